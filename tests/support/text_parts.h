#pragma once
// Exposition text cut into response body parts (server/body_part.h), one per family, for tests
// of the server's gzip without collectors: each part is keyed by its first line and equal to an
// earlier part of the same text.

#include <string_view>

#include "server/body_part.h"

namespace ifmib::test {

/// `text` cut before each line that starts with "# HELP ": what precedes the first such line
/// (if anything) is a part of its own, keyed "".
server::BodyParts text_parts(std::string_view text);

}  // namespace ifmib::test
