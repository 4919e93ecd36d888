// Typed reading of located YAML values: every failure is a ConfigError naming the position,
// the key path and what was expected.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/core/time.hpp"
#include "config/yaml_tree.hpp"

namespace clocksim::config {

using yaml::Node;

// "links" + "latency" -> "links.latency"; "" + "seed" -> "seed".
std::string child_path(const std::string& path, std::string_view key);
std::string child_path(const std::string& path, std::size_t index);

[[noreturn]] void fail_at(const yaml::Pos& pos, const std::string& path, const std::string& message);
[[noreturn]] void fail_at(const Node& node, const std::string& path, const std::string& message);

// Plain-text numbers (no YAML involved): whole text must be consumed; finite only.
std::optional<double> parse_number(std::string_view text);
std::optional<std::int64_t> parse_integer(std::string_view text);

// Checks that `node` is a mapping (`what` names it in the message: "the links section").
void expect_map(const Node& node, const std::string& path, std::string_view what);
void expect_sequence(const Node& node, const std::string& path, std::string_view what);
// Every key must be one of `allowed`; otherwise an error at each other key, with a suggestion,
// thrown together (ConfigError::each()).
void check_keys(const Node& map, const std::string& path, const std::vector<std::string>& allowed);
// A key that must be present in `map`.
const Node& require_key(const Node& map, const std::string& path, std::string_view key, std::string_view expected);

std::int64_t read_int(const Node& node, const std::string& path,
                      std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
std::uint64_t read_uint64(const Node& node, const std::string& path);
// Decimal digits only, 0 .. 2^64 − 1 (no sign, no wrap-around, no saturation): seeds.
std::optional<std::uint64_t> parse_uint64(std::string_view text);
double read_number(const Node& node, const std::string& path, double min = -1e300, double max = 1e300);
bool read_bool(const Node& node, const std::string& path);
Duration read_duration(const Node& node, const std::string& path, Duration min = Duration::from_ns(std::numeric_limits<std::int64_t>::min()),
                       Duration max = Duration::max());
// Any scalar (quoted or not), non-empty.
std::string read_string(const Node& node, const std::string& path, std::string_view expected);

// The first control character of UTF-8 text (C0, DEL, C1, and the bidirectional formatting
// characters that reorder a terminal's line; tab and line feed allowed only with
// `allow_line_breaks`): its position in characters (1-based) and code point.
struct ControlCharacter {
  std::size_t index = 0;
  std::uint32_t code = 0;
};
std::optional<ControlCharacter> find_control_character(std::string_view utf8, bool allow_line_breaks);
// "U+001B (the 5th character)": for the messages that refuse one.
std::string describe_control_character(const ControlCharacter& c);
// A name in free text (a scenario's, a sweep's), non-empty, without control characters: double
// quotes take escapes ("\e", "\n"), and a name is printed on terminals, made into a folder
// name and written into CSV rows and titles, where an escape sequence or a line break would act.
std::string read_name_text(const Node& node, const std::string& path, std::string_view expected);

// Message fragment for a duration the parser refused ("'5' has no unit: ...").
std::string duration_problem(std::string_view text);

}  // namespace clocksim::config
