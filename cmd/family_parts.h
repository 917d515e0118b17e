#pragma once
// A scrape's metric families as the parts of a response body (server/body_part.h): one part per
// family, keyed by its name, equal to an earlier one when collector::same_text says so. The
// server then compresses again only the families that changed and writes no other's text.

#include "collector/families.h"
#include "server/body_part.h"

namespace ifmib::cmd {

/// One part per family of `families` that has samples, in order; their text one after the
/// other is collector::exposition_text(families).
server::BodyParts family_parts(collector::Families&& families);

}  // namespace ifmib::cmd
