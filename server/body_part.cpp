#include "server/body_part.h"

namespace ifmib::server {

std::string body_text(const BodyParts& parts) {
  std::size_t bound = 0;
  for (const auto& part : parts) bound += part->size_bound();
  std::string out;
  // Reserved once: a multi-megabyte body is not copied at every doubling.
  out.reserve(bound);
  for (const auto& part : parts) part->write(out);
  return out;
}

}  // namespace ifmib::server
