#include "config/reader.hpp"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <sstream>

#include "algorithms/core/decimal_text.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "config/error.hpp"
#include "config/suggest.hpp"

namespace clocksim::config {

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string child_path(const std::string& path, std::size_t index) {
  return child_path(path, std::to_string(index));
}

namespace {
ConfigError error_at(const yaml::Pos& pos, const std::string& path, const std::string& message) {
  return ConfigError(pos.source ? *pos.source : std::string("<config>"), pos.line, pos.column, path, message);
}
}  // namespace

void fail_at(const yaml::Pos& pos, const std::string& path, const std::string& message) {
  throw error_at(pos, path, message);
}

void fail_at(const Node& node, const std::string& path, const std::string& message) {
  fail_at(node.pos, path, message);
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

void expect_map(const Node& node, const std::string& path, std::string_view what) {
  if (!node.is_map()) fail_at(node, path, "expected " + std::string(what) + " (a mapping of keys), got " + yaml::describe(node));
}

void expect_sequence(const Node& node, const std::string& path, std::string_view what) {
  if (!node.is_sequence()) fail_at(node, path, "expected " + std::string(what) + " (a list), got " + yaml::describe(node));
}

void check_keys(const Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  // Every unknown key, not the first only: one misspelling says nothing about the next, and a
  // file with three should not take three runs to mend.
  std::vector<ConfigError> unknown;
  for (const auto& e : map.entries) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == e.key;
    if (ok) continue;
    std::string msg = "unknown key '" + e.key + "'" + did_you_mean(e.key, allowed);
    if (e.key == "<<") msg = "YAML merge keys ('<<') are not supported";
    unknown.push_back(error_at(e.key_pos, child_path(path, e.key), msg + "; allowed keys here: " + join(allowed)));
  }
  if (!unknown.empty()) throw ConfigError(unknown);
}

const Node& require_key(const Node& map, const std::string& path, std::string_view key, std::string_view expected) {
  const Node* v = map.find(key);
  if (!v) fail_at(map, path, "missing required key '" + std::string(key) + "' (" + std::string(expected) + ")");
  return *v;
}

namespace {
std::string got(const Node& node) {
  if (node.is_scalar() && !node.plain) return "the quoted string \"" + node.text + "\"";
  return yaml::describe(node);
}
}  // namespace

std::int64_t read_int(const Node& node, const std::string& path, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> v;
  if (node.is_scalar() && node.plain) v = parse_integer(node.text);
  if (!v) fail_at(node, path, "expected an integer, got " + got(node));
  if (*v < min || *v > max) {
    std::string range = max == std::numeric_limits<std::int64_t>::max()
                            ? "at least " + std::to_string(min)
                            : "between " + std::to_string(min) + " and " + std::to_string(max);
    fail_at(node, path, "expected an integer " + range + ", got " + node.text);
  }
  return *v;
}

std::optional<std::uint64_t> parse_uint64(std::string_view text) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::uint64_t read_uint64(const Node& node, const std::string& path) {
  const std::optional<std::uint64_t> v = node.is_scalar() && node.plain ? parse_uint64(node.text) : std::nullopt;
  if (!v) fail_at(node, path, "expected a non-negative integer below 2^64, got " + got(node));
  return *v;
}

namespace {
std::string format_number(double v) { return general_text(v, 6); }
}  // namespace

double read_number(const Node& node, const std::string& path, double min, double max) {
  std::optional<double> v;
  if (node.is_scalar() && node.plain) v = parse_number(node.text);
  if (!v) fail_at(node, path, "expected a number, got " + got(node));
  if (*v < min || *v > max) {
    std::string range = max >= 1e300 ? "at least " + format_number(min)
                        : min <= -1e300 ? "at most " + format_number(max)
                                        : "between " + format_number(min) + " and " + format_number(max);
    fail_at(node, path, "expected a number " + range + ", got " + node.text);
  }
  return *v;
}

bool read_bool(const Node& node, const std::string& path) {
  if (node.is_scalar() && node.plain && (node.text == "true" || node.text == "false")) return node.text == "true";
  fail_at(node, path, "expected true or false, got " + got(node));
}

std::string duration_problem(std::string_view text) {
  switch (duration_text_problem(text)) {
    case DurationTextProblem::kTooLarge:
      return "'" + std::string(text) + "' is out of range: durations are whole nanoseconds in 64 bits, within " +
             "±9223372036.854775807s (about 292 years)";
    case DurationTextProblem::kBelowNanosecond:
      return "'" + std::string(text) + "' is finer than a nanosecond, the resolution of every duration here";
    case DurationTextProblem::kNone:
    case DurationTextProblem::kMalformed:
      break;
  }
  if (parse_number(text) && !parse_duration(text)) {
    return "'" + std::string(text) + "' has no unit; write e.g. " + std::string(text) + "s or " +
           std::string(text) + "ms (units: ns, us, ms, s, m, h)";
  }
  return "expected a duration such as 250ms, 1.5s or 2m (units: ns, us, ms, s, m, h), got '" +
         std::string(text) + "'";
}

Duration read_duration(const Node& node, const std::string& path, Duration min, Duration max) {
  if (!node.is_scalar()) {
    fail_at(node, path, "expected a duration such as 250ms, 1.5s or 2m, got " + yaml::describe(node));
  }
  auto d = parse_duration(node.text);
  if (!d) fail_at(node, path, duration_problem(node.text));
  // A minus sign where no negative duration is allowed is refused even on a zero ("-0s"), as the
  // JSON Schema refuses it: the text says negative, whatever its value.
  const std::size_t first = node.text.find_first_not_of(' ');
  const bool minus = first != std::string::npos && node.text[first] == '-';
  if (*d < min || (minus && min >= Duration::zero())) {
    fail_at(node, path, (min == Duration::zero() ? std::string("expected a duration >= 0")
                         : min == Duration::from_ns(1) ? std::string("expected a positive duration")
                                                       : "expected a duration of at least " + format_duration(min)) +
                            ", got " + node.text);
  }
  if (*d > max) fail_at(node, path, "expected a duration of at most " + format_duration(max) + ", got " + node.text);
  return *d;
}

std::string read_string(const Node& node, const std::string& path, std::string_view expected) {
  if (!node.is_scalar() || node.text.empty()) {
    fail_at(node, path, "expected " + std::string(expected) + ", got " + yaml::describe(node));
  }
  return node.text;
}

std::optional<ControlCharacter> find_control_character(std::string_view utf8, bool allow_line_breaks) {
  std::size_t index = 0;
  for (std::size_t i = 0; i < utf8.size(); ++index) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      const bool line_break = b == '\n' || b == '\t';
      if ((b < 0x20 && !(allow_line_breaks && line_break)) || b == 0x7F) return ControlCharacter{index + 1, b};
      ++i;
      continue;
    }
    // C1 controls are U+0080..U+009F: 0xC2 then 0x80..0x9F. The text is valid UTF-8 (the YAML
    // reader refuses anything else), so a lead byte says how long its character is.
    if (b == 0xC2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) <= 0x9F) {
      return ControlCharacter{index + 1, static_cast<unsigned char>(utf8[i + 1])};
    }
    // The bidirectional formatting characters (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
    // reorder what a terminal shows after them: a name could display as another.
    if (b == 0xE2 && i + 2 < utf8.size()) {
      const auto b1 = static_cast<unsigned char>(utf8[i + 1]);
      const auto b2 = static_cast<unsigned char>(utf8[i + 2]);
      const std::uint32_t code = 0x2000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if (code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069)) {
        return ControlCharacter{index + 1, code};
      }
    }
    i += b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  }
  return std::nullopt;
}

std::string describe_control_character(const ControlCharacter& c) {
  char code[12];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c.code));
  return std::string(code) + " (character " + std::to_string(c.index) + ")";
}

std::string read_name_text(const Node& node, const std::string& path, std::string_view expected) {
  std::string text = read_string(node, path, expected);
  if (const auto c = find_control_character(text, false)) {
    fail_at(node, path, std::string(expected) + " may not hold a control character, found " +
                            describe_control_character(*c) + ": a name is printed on terminals and becomes a "
                            "folder name and CSV text");
  }
  return text;
}

}  // namespace clocksim::config
