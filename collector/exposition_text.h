#pragma once
// The Prometheus text exposition format (0.0.4), written straight into one string.
// prometheus-cpp's TextSerializer formats through std::ostream and was more than half of a
// scrape's instructions at 1000 interfaces (bench/results/2026-11-25.md); this writer
// uses std::to_chars and appends to a reused buffer. Output parses to the same samples.

#include <string>
#include <string_view>

#include "collector/families.h"

namespace ifmib::collector {

/// Appends `families` to `out` in the text format; families without samples are left out.
/// Pure and thread-safe.
void append_exposition_text(std::string& out, const Families& families);

/// The same as a new string.
std::string exposition_text(const Families& families);

/// Appends one family as append_exposition_text does (nothing when it has no samples).
void append_family_text(std::string& out, const Family& family);
/// At least as many characters as append_family_text appends for `family`.
std::size_t family_text_size_bound(const Family& family);
/// True when `a` and `b` have the same name, type, help, label text and samples (values bit for
/// bit), so that append_family_text writes the same text for both: a comparison of about half
/// the bytes of that text, and no formatting.
bool same_text(const Family& a, const Family& b);

/// Appends `text` escaped as the text format wants it: backslash and newline always (HELP text),
/// and the double quote too when `quote` (label values).
void append_escaped(std::string& out, std::string_view text, bool quote);

}  // namespace ifmib::collector
