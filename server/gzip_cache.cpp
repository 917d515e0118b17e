#include "server/gzip_cache.h"

#include <utility>

#include "server/content_encoding.h"
#include "server/crc32_combine.h"

namespace ifmib::server {

namespace {

// The gzip header (RFC 1952 section 2.3): deflate, no flags, no time, OS unknown.
constexpr char kHeader[] = {'\x1f', '\x8b', '\x08', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\xff'};
// A final fixed-Huffman block holding only its end code: it closes the stream the pieces make.
constexpr char kLastBlock[] = {'\x03', '\x00'};

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// Closes a member whose pieces are in `out`: the final block, then the CRC-32 and length (mod
// 2^32) of the whole text.
void append_trailer(std::string& out, std::uint32_t crc, std::uint64_t size) {
  out.append(kLastBlock, sizeof kLastBlock);
  append_le32(out, crc);
  append_le32(out, static_cast<std::uint32_t>(size));
}

}  // namespace

GzipCache::GzipCache(PieceCompressor compress, std::size_t smallest_kept)
    : compress_(compress), smallest_kept_(smallest_kept) {}

std::shared_ptr<const GzipCache::Piece> GzipCache::find(const std::string& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = pieces_.find(key);
  return it == pieces_.end() ? nullptr : it->second;
}

void GzipCache::keep(std::string key, std::shared_ptr<const Piece> piece) {
  const std::lock_guard lock(mutex_);
  if (pieces_.size() >= kMaxPieces && !pieces_.contains(key)) pieces_.clear();
  pieces_[std::move(key)] = std::move(piece);
}

std::string GzipCache::gzip(const BodyParts& parts) {
  std::string out(kHeader, sizeof kHeader);
  std::size_t reused = 0, compressed = 0;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;
  // Pieces of text, deflated, appended with their CRC-32 and length. A piece's compressor takes
  // at most 4 GiB, and ISIZE is the length modulo 2^32: such a body is served uncompressed.
  const auto append_piece = [&](std::string_view deflated, std::uint32_t piece_crc, std::uint64_t piece_size) {
    out += deflated;
    crc = crc32_combine(crc, piece_crc, piece_size);
    size += piece_size;
    return size <= UINT32_MAX;
  };
  // The text of parts not kept, waiting to be compressed as one piece.
  std::string run;
  const auto compress_run = [&]() -> bool {
    if (run.empty()) return true;
    const auto deflated = compress_(run);
    if (!deflated || !append_piece(*deflated, gzip_crc32(run), run.size())) return false;
    ++compressed;
    run.clear();
    return true;
  };
  std::string text;
  for (const auto& part : parts) {
    std::string key(part->key());
    if (const auto kept = find(key); kept && part->same_text_as(*kept->part)) {
      if (!compress_run() || !append_piece(kept->deflated, kept->crc, kept->size)) return {};
      ++reused;
      continue;
    }
    const std::size_t bound = part->size_bound();
    if (bound < smallest_kept_) {
      part->write(run);
      continue;
    }
    text.clear();
    text.reserve(bound);
    part->write(text);
    if (text.size() < smallest_kept_) {
      run += text;
      continue;
    }
    if (!compress_run()) return {};
    auto deflated = compress_(text);
    if (!deflated) return {};
    auto piece = std::make_shared<const Piece>(Piece{part, std::move(*deflated), gzip_crc32(text), text.size()});
    if (!append_piece(piece->deflated, piece->crc, piece->size)) return {};
    ++compressed;
    keep(std::move(key), std::move(piece));
  }
  if (!compress_run()) return {};
  append_trailer(out, crc, size);
  const std::lock_guard lock(mutex_);
  reused_ += reused;
  compressed_ += compressed;
  return out;
}

std::string GzipCache::gzip(std::string_view text) {
  if (text.size() > UINT32_MAX) return {};
  std::string out(kHeader, sizeof kHeader);
  if (!text.empty()) {
    const auto deflated = compress_(text);
    if (!deflated) return {};
    out += *deflated;
    const std::lock_guard lock(mutex_);
    ++compressed_;
  }
  append_trailer(out, gzip_crc32(text), text.size());
  return out;
}

std::size_t GzipCache::reused() const {
  const std::lock_guard lock(mutex_);
  return reused_;
}

std::size_t GzipCache::compressed() const {
  const std::lock_guard lock(mutex_);
  return compressed_;
}

std::size_t GzipCache::kept() const {
  const std::lock_guard lock(mutex_);
  return pieces_.size();
}

}  // namespace ifmib::server
