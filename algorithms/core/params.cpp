#include "algorithms/core/params.hpp"

#include <algorithm>
#include <cassert>
#include <sstream>
#include <stdexcept>

#include "algorithms/core/decimal_text.hpp"
#include "algorithms/core/duration_parse.hpp"

namespace clocksim {

ParamSet ParamSet::defaults(const std::vector<ParamSpec>& specs) {
  ParamSet set;
  for (const auto& s : specs) set.set(s.name, s.default_value);
  return set;
}

const ParamValue& ParamSet::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("undeclared algorithm parameter: " + name);
  return it->second;
}

std::vector<NodeId> ParamSet::get_node_list(const std::string& name) const {
  auto ids = parse_node_list(std::get<std::string>(at(name)));
  if (!ids) throw std::logic_error("malformed node list in parameter " + name);
  return *ids;
}

std::optional<std::vector<NodeId>> parse_node_list(std::string_view text) {
  std::vector<NodeId> ids;
  std::size_t i = 0;
  if (!text.empty() && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  while (i < text.size()) {
    if (text[i] == ',' || text[i] == ' ') {
      ++i;
      continue;
    }
    std::uint64_t v = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (v >= kBroadcast) return std::nullopt;
      ++i;
      ++digits;
    }
    if (digits == 0 || (i < text.size() && text[i] != ',' && text[i] != ' ')) return std::nullopt;
    ids.push_back(static_cast<NodeId>(v));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string node_list_text(const std::vector<NodeId>& ids) {
  std::string s;
  for (NodeId id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

std::string param_to_string(const ParamValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return general_text(d, 6); }
    std::string operator()(Duration d) const { return format_duration(d); }
    std::string operator()(const DurationRange& r) const {
      if (r.min == r.max) return format_duration(r.min);
      return "uniform(" + format_duration(r.min) + ", " + format_duration(r.max) + ")";
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, v);
}

}  // namespace clocksim
