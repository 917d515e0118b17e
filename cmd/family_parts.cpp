#include "cmd/family_parts.h"

#include <memory>
#include <utility>

#include "collector/exposition_text.h"

namespace ifmib::cmd {

namespace {

class FamilyPart final : public server::BodyPart {
 public:
  explicit FamilyPart(collector::Family family) : family_(std::move(family)) {}

  std::string_view key() const override { return family_.spec.name; }
  bool same_text_as(const server::BodyPart& earlier) const override {
    const auto* other = dynamic_cast<const FamilyPart*>(&earlier);
    return other != nullptr && collector::same_text(family_, other->family_);
  }
  void write(std::string& out) const override { collector::append_family_text(out, family_); }
  // Asked only of a part whose text is written: a walk over its samples, which an unchanged
  // family need not pay.
  std::size_t size_bound() const override { return collector::family_text_size_bound(family_); }

 private:
  collector::Family family_;
};

}  // namespace

server::BodyParts family_parts(collector::Families&& families) {
  server::BodyParts parts;
  parts.reserve(families.size());
  for (auto& family : families) {
    if (!family.samples.empty()) parts.push_back(std::make_shared<const FamilyPart>(std::move(family)));
  }
  return parts;
}

}  // namespace ifmib::cmd
