// Typed, self-describing algorithm parameters.
//
// Each algorithm publishes the parameters it takes (name, type, default, range, doc). The scenario
// loader validates a YAML `algorithm:` block against that list (so a typo names the key it
// expected), the JSON Schema and the reference doc are generated from it, and the daemon's config
// uses the same list. Algorithms stay ignorant of YAML.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

// A duration drawn uniformly per use from [min, max] (min == max: a constant). Written
// "uniform(6s, 15s)" or "10s" in a scenario.
struct DurationRange {
  Duration min;
  Duration max;
  friend bool operator==(const DurationRange&, const DurationRange&) = default;
};

// kNodeList: a set of node ids (the number of n<id>), held canonically as text, "1,3,7" (ascending,
// distinct; "" for none), so that it prints and compares like any other value.
enum class ParamType : std::uint8_t { kBool, kInt, kDouble, kDuration, kDurationRange, kChoice, kNodeList };

using ParamValue = std::variant<bool, std::int64_t, double, Duration, DurationRange, std::string>;

struct ParamSpec {
  std::string name;
  ParamType type;
  ParamValue default_value;
  std::string doc;
  double min = -1e300;               // inclusive range for numbers and durations (ns for durations)
  double max = 1e300;
  std::vector<std::string> choices;  // kChoice
  // kInt: the value is a node id (negative: none named), which the scenario loader checks against
  // the nodes there are. A kNodeList always names nodes.
  bool names_node = false;
};

// One declared parameter, every field named at once (a braced ParamSpec{...} would have to spell
// out `choices` for numbers as well).
inline ParamSpec param_spec(std::string name, ParamType type, ParamValue default_value, std::string doc,
                            double min = -1e300, double max = 1e300, std::vector<std::string> choices = {}) {
  return {std::move(name), type, std::move(default_value), std::move(doc), min, max, std::move(choices)};
}

// Values by name; the loader fills every declared parameter (defaults included), so getters
// never miss for a declared name. Getting an undeclared or mistyped name is a programming error.
class ParamSet {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, ParamValue>& values() const { return values_; }

  bool get_bool(const std::string& name) const { return std::get<bool>(at(name)); }
  std::int64_t get_int(const std::string& name) const { return std::get<std::int64_t>(at(name)); }
  double get_double(const std::string& name) const { return std::get<double>(at(name)); }
  Duration get_duration(const std::string& name) const { return std::get<Duration>(at(name)); }
  DurationRange get_range(const std::string& name) const { return std::get<DurationRange>(at(name)); }
  const std::string& get_choice(const std::string& name) const { return std::get<std::string>(at(name)); }
  // A kNodeList value (the loader has checked its text).
  std::vector<NodeId> get_node_list(const std::string& name) const;

  // A ParamSet holding every default of `specs`.
  static ParamSet defaults(const std::vector<ParamSpec>& specs);

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
};

// A node list from "1, 3,7" (commas and/or spaces; "" or "[]" for none): ascending and distinct,
// or nullopt when an element is not a node id.
std::optional<std::vector<NodeId>> parse_node_list(std::string_view text);
// The canonical text of a node list: "1,3,7".
std::string node_list_text(const std::vector<NodeId>& ids);

// Text form of a value, as a scenario would write it (for summaries and docs).
std::string param_to_string(const ParamValue& v);

}  // namespace clocksim
