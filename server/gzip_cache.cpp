#include "server/gzip_cache.h"

#include <utility>
#include <vector>

#include "server/content_encoding.h"

namespace ifmib::server {

namespace {

constexpr std::string_view kFamilyStart = "# HELP ";

// The gzip header (RFC 1952 section 2.3): deflate, no flags, no time, OS unknown.
constexpr char kHeader[] = {'\x1f', '\x8b', '\x08', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\xff'};
// A final fixed-Huffman block holding only its end code: it closes the stream the pieces make.
constexpr char kLastBlock[] = {'\x03', '\x00'};

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// `text` cut before each line that starts a family: the first piece is what precedes the first
// "# HELP" line (nothing, for exposition text), then one piece per family.
std::vector<std::string_view> families_of(std::string_view text) {
  std::vector<std::string_view> pieces;
  std::size_t begin = 0;
  for (std::size_t at = text.find(kFamilyStart); at != std::string_view::npos;
       at = text.find(kFamilyStart, at + kFamilyStart.size())) {
    if (at != 0 && text[at - 1] != '\n') continue;  // not at a line start
    if (at > begin) pieces.push_back(text.substr(begin, at - begin));
    begin = at;
  }
  if (begin < text.size()) pieces.push_back(text.substr(begin));
  return pieces;
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

std::string GzipCache::gzip(std::string_view text) {
  // ISIZE is the length modulo 2^32, but a piece's compressor takes at most 4 GiB at once;
  // such a text is served uncompressed.
  if (text.size() > UINT32_MAX) return {};
  std::string out(kHeader, sizeof kHeader);
  out.reserve(text.size() / 8 + 64);
  std::size_t reused = 0, compressed = 0;
  // Text not kept (small families, text before the first family) waiting to be compressed as
  // one piece: [pending_begin, pending_end) of `text`. The families are back to back.
  std::size_t pending_begin = 0, pending_end = 0;
  const auto compress_pending = [&]() -> bool {
    if (pending_end == pending_begin) return true;
    const auto deflated = compress_(text.substr(pending_begin, pending_end - pending_begin));
    if (!deflated) return false;
    out += *deflated;
    ++compressed;
    pending_begin = pending_end;
    return true;
  };
  for (const std::string_view family : families_of(text)) {
    const auto at = static_cast<std::size_t>(family.data() - text.data());
    if (!family.starts_with(kFamilyStart) || family.size() < smallest_kept_) {
      if (pending_end == pending_begin) pending_begin = at;
      pending_end = at + family.size();
      continue;
    }
    if (!compress_pending()) return {};
    std::string key(family.substr(0, family.find('\n')));
    if (const auto kept = find(key); kept && kept->text == family) {
      out += kept->deflated;
      ++reused;
      continue;
    }
    auto deflated = compress_(family);
    if (!deflated) return {};
    out += *deflated;
    ++compressed;
    keep(std::move(key), std::make_shared<const Piece>(Piece{std::string(family), std::move(*deflated)}));
  }
  if (!compress_pending()) return {};
  out.append(kLastBlock, sizeof kLastBlock);
  append_le32(out, gzip_crc32(text));
  append_le32(out, static_cast<std::uint32_t>(text.size()));
  const std::lock_guard lock(mutex_);
  reused_ += reused;
  compressed_ += compressed;
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
