#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <iterator>
#include <nlohmann/json.hpp>

namespace ifmib::log {

namespace {

std::atomic<Format> g_format{Format::logfmt};

const char* level_name(Level level) {
  static_assert([] {
    for (std::size_t i = 0; i < std::size(kLevelNames); ++i) {
      if (kLevelNames[i].second != static_cast<Level>(i)) return false;
    }
    return true;
  }(), "kLevelNames is indexed by Level");
  return kLevelNames[static_cast<int>(level)].first.data();
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// RFC 3339 with milliseconds in UTC, as node_exporter's go-kit logger writes it.
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // generous: the compiler cannot bound tm_year
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// logfmt: bare when the value has no space, quote, '=' or control character; else quoted with escapes.
void append_logfmt_value(std::string& out, std::string_view v) {
  bool needs_quotes = v.empty();
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) needs_quotes = true;
  }
  if (!needs_quotes) {
    out += v;
    return;
  }
  out += '"';
  for (unsigned char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < ' ' || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

void configure(Format format, Level level) {
  g_format = format;
  auto logger = spdlog::stderr_logger_mt("ifmib");
  logger->set_pattern("%v");
  logger->set_level(to_spdlog(level));
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(std::move(logger));
}

std::string format_logfmt(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::string out = "level=";
  out += level_name(level);
  out += " msg=";
  append_logfmt_value(out, msg);
  for (const auto& [key, value] : fields) {
    out += ' ';
    out += key;
    out += '=';
    append_logfmt_value(out, value);
  }
  return out;
}

std::string format_json(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  nlohmann::ordered_json j;
  j["level"] = level_name(level);
  j["msg"] = std::string(msg);
  for (const auto& [key, value] : fields) j[std::string(key)] = value;
  // Interface names are arbitrary bytes: replace invalid UTF-8 instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(to_spdlog(level))) return;
  std::string line;
  if (g_format.load() == Format::json) {
    line = format_json(level, msg, fields);
    line.insert(1, "\"ts\":\"" + timestamp() + "\",");
  } else {
    line = "ts=" + timestamp() + " " + format_logfmt(level, msg, fields);
  }
  logger->log(to_spdlog(level), "{}", line);
}

}  // namespace ifmib::log
