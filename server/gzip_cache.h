#pragma once
// gzip of exposition text that compresses again only what changed since an earlier response.
//
// Most of a scrape's text is the same from one scrape to the next: flags, MTU, state, info,
// error counters that stay at zero, multicast memberships. Only some counter families change on
// a busy host. gzip of the whole text was the largest share of a `collect[]=ifmib` scrape's user
// space (0.8 ms of 1.7 MB at 1000 interfaces). Here the text is cut into its metric families
// (at each "# HELP" line) and each family is deflated on its own, from an empty window, into a
// piece that ends on a byte boundary. A family whose text is byte for byte the one a previous
// response had reuses that response's piece. Small families are not kept (kSmallestKept). The
// pieces, a final empty block, the CRC-32 and the length make one ordinary gzip member
// (RFC 1952): any gzip reader decodes it.
//
// Knows the text format only as far as where a family starts; knows nothing of metrics.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ifmib::server {

/// A compressor of pieces: content_encoding.h's deflate_piece (ISA-L or zlib) or, for tests,
/// deflate_piece_zlib.
using PieceCompressor = std::optional<std::string> (*)(std::string_view text);

class GzipCache {
 public:
  /// Families shorter than this are never kept: each piece costs its own Huffman tables (some
  /// 35 000 instructions with ISA-L, as much as compressing 15 KB), so a run of small families
  /// that are not reused (the exporter's own, which change every scrape; a small host's) is
  /// compressed as one piece.
  static constexpr std::size_t kSmallestKept = 16 * 1024;

  explicit GzipCache(PieceCompressor compress, std::size_t smallest_kept = kSmallestKept);

  /// `text` gzip-compressed (RFC 1952, one member), or empty when compression failed.
  /// Thread-safe; concurrent calls compress a changed family each, and the last one is kept.
  std::string gzip(std::string_view text);

  /// Families whose piece was reused, and pieces compressed (a family, or a run of small
  /// families and other text), over this object's life.
  std::size_t reused() const;
  std::size_t compressed() const;
  /// Families kept now (at most kMaxPieces).
  std::size_t kept() const;

  /// More families than any response of ours has (some 60); past it the table starts over, so
  /// that no sequence of bodies grows it without bound.
  static constexpr std::size_t kMaxPieces = 1024;

 private:
  struct Piece {
    std::string text;      // the family's text, to compare with the next response's
    std::string deflated;  // its raw DEFLATE piece
  };

  std::shared_ptr<const Piece> find(const std::string& key) const;
  void keep(std::string key, std::shared_ptr<const Piece> piece);

  PieceCompressor compress_;
  std::size_t smallest_kept_;
  mutable std::mutex mutex_;  // guards the members below
  // By the family's first line ("# HELP <name> <help>"); at most kMaxPieces.
  std::unordered_map<std::string, std::shared_ptr<const Piece>> pieces_;
  std::size_t reused_ = 0;
  std::size_t compressed_ = 0;
};

}  // namespace ifmib::server
