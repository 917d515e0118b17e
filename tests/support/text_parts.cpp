#include "tests/support/text_parts.h"

#include <memory>
#include <string>

namespace ifmib::test {

namespace {

class TextPart final : public server::BodyPart {
 public:
  explicit TextPart(std::string_view text) : text_(text), key_(text_.substr(0, text_.find('\n'))) {
    if (!text_.starts_with("# HELP ")) key_.clear();
  }
  std::string_view key() const override { return key_; }
  bool same_text_as(const server::BodyPart& earlier) const override {
    const auto* other = dynamic_cast<const TextPart*>(&earlier);
    return other != nullptr && other->text_ == text_;
  }
  void write(std::string& out) const override { out += text_; }
  std::size_t size_bound() const override { return text_.size(); }

 private:
  std::string text_;
  std::string key_;
};

}  // namespace

server::BodyParts text_parts(std::string_view text) {
  constexpr std::string_view kFamilyStart = "# HELP ";
  server::BodyParts parts;
  std::size_t begin = 0;
  for (std::size_t at = text.find(kFamilyStart); at != std::string_view::npos;
       at = text.find(kFamilyStart, at + kFamilyStart.size())) {
    if (at != 0 && text[at - 1] != '\n') continue;  // not at a line start
    if (at > begin) parts.push_back(std::make_shared<const TextPart>(text.substr(begin, at - begin)));
    begin = at;
  }
  if (begin < text.size()) parts.push_back(std::make_shared<const TextPart>(text.substr(begin)));
  return parts;
}

}  // namespace ifmib::test
