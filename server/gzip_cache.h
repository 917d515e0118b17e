#pragma once
// gzip of a response body in parts (body_part.h) that compresses again only the parts that
// changed since an earlier response, and writes the text of no other.
//
// Most of a scrape's text is the same from one scrape to the next: flags, MTU, state, info,
// error counters that stay at zero, multicast memberships. Only some counter families change on
// a busy host. Each part (a metric family) is deflated on its own, from an empty window, into a
// piece that ends on a byte boundary. A part that says its text is the one of the part a
// previous response had under its key reuses that response's piece, its CRC-32 and length, and
// its text is never written. Small parts are not kept (kSmallestKept). The pieces, a final empty
// block, the CRC-32 (combined from the pieces') and the length make one ordinary gzip member
// (RFC 1952): any gzip reader decodes it.
//
// Knows nothing of metrics.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/body_part.h"

namespace ifmib::server {

/// A compressor of pieces: content_encoding.h's deflate_piece (ISA-L or zlib) or, for tests,
/// deflate_piece_zlib.
using PieceCompressor = std::optional<std::string> (*)(std::string_view text);

class GzipCache {
 public:
  /// Parts shorter than this are never kept: each piece costs its own Huffman tables (some
  /// 35 000 instructions with ISA-L, as much as compressing 15 KB), so a run of small parts
  /// that are not reused (the exporter's own metrics, which change every scrape; a small
  /// host's families) is compressed as one piece.
  static constexpr std::size_t kSmallestKept = 16 * 1024;

  explicit GzipCache(PieceCompressor compress, std::size_t smallest_kept = kSmallestKept);

  /// The text of `parts` gzip-compressed (RFC 1952, one member), or empty when compression
  /// failed or the text is 4 GiB or more. Thread-safe; concurrent calls compress a changed part
  /// each, and the last one is kept.
  std::string gzip(const BodyParts& parts);
  /// `text` gzip-compressed as one piece, nothing kept.
  std::string gzip(std::string_view text);

  /// Parts whose piece was reused, and pieces compressed (a part, or a run of small parts),
  /// over this object's life.
  std::size_t reused() const;
  std::size_t compressed() const;
  /// Parts kept now (at most kMaxPieces).
  std::size_t kept() const;

  /// More parts than any response of ours has (some 60); past it the table starts over, so
  /// that no sequence of bodies grows it without bound.
  static constexpr std::size_t kMaxPieces = 1024;

 private:
  struct Piece {
    // The part, to compare the next response's part of its key with. It holds what its text
    // is made from (for a metric family, its samples: about half the size of its text).
    std::shared_ptr<const BodyPart> part;
    std::string deflated;  // its raw DEFLATE piece
    std::uint32_t crc = 0;  // CRC-32 of its text
    std::uint64_t size = 0;  // length of its text
  };

  std::shared_ptr<const Piece> find(const std::string& key) const;
  void keep(std::string key, std::shared_ptr<const Piece> piece);

  PieceCompressor compress_;
  std::size_t smallest_kept_;
  mutable std::mutex mutex_;  // guards the members below
  // By the part's key; at most kMaxPieces.
  std::unordered_map<std::string, std::shared_ptr<const Piece>> pieces_;
  std::size_t reused_ = 0;
  std::size_t compressed_ = 0;
};

}  // namespace ifmib::server
