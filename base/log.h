#pragma once
// Structured logging in node_exporter's shapes: logfmt (default) or JSON lines on stderr.
// A thin layer over spdlog so every message carries key=value fields, correctly escaped.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ifmib::log {

enum class Level { debug, info, warn, error };
enum class Format { logfmt, json };

using Field = std::pair<std::string_view, std::string>;

/// Sets up the stderr logger. Thread-safe to call once before other threads start.
void configure(Format format, Level level);
/// The names of levels and formats (--log.level, --log.format, the level field), in enum order.
inline constexpr std::pair<std::string_view, Level> kLevelNames[] = {
    {"debug", Level::debug}, {"info", Level::info}, {"warn", Level::warn}, {"error", Level::error}};
inline constexpr std::pair<std::string_view, Format> kFormatNames[] = {{"logfmt", Format::logfmt}, {"json", Format::json}};

/// Writes one line: ts, level, msg, then the fields in order. Thread-safe.
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }

/// One logfmt line body (without ts); exposed for tests.
std::string format_logfmt(Level level, std::string_view msg, std::initializer_list<Field> fields);
std::string format_json(Level level, std::string_view msg, std::initializer_list<Field> fields);

}  // namespace ifmib::log
