#pragma once
// A response body in parts that a later response may repeat: the server writes their text for a
// plain response, and for gzip compresses again only the parts that differ from the ones an
// earlier response had (gzip_cache.h), without writing the others' text at all.
//
// Knows nothing of what a part holds: cmd/ makes one part of each metric family.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ifmib::server {

class BodyPart {
 public:
  virtual ~BodyPart() = default;
  /// Names the part across responses: a part is compared with the earlier one of the same key.
  virtual std::string_view key() const = 0;
  /// True only if write() would append exactly what `earlier`'s write() appends. `earlier` is a
  /// part of the same key from an earlier response, of any type. May say false for equal text
  /// (that costs compressing it again, never a wrong body).
  virtual bool same_text_as(const BodyPart& earlier) const = 0;
  /// Appends the part's text to `out`.
  virtual void write(std::string& out) const = 0;
  /// At least as many characters as write() appends.
  virtual std::size_t size_bound() const = 0;
};

using BodyParts = std::vector<std::shared_ptr<const BodyPart>>;

/// The text of `parts`, one after the other.
std::string body_text(const BodyParts& parts);

}  // namespace ifmib::server
