#include "sim/scenario/reference_doc.hpp"

#include <cmath>
#include <sstream>

#include "algorithms/core/c_locale_stream.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "algorithms/registry.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string type_name(ParamType t) {
  switch (t) {
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "integer";
    case ParamType::kDouble: return "number";
    case ParamType::kDuration: return "duration";
    case ParamType::kDurationRange: return "duration or uniform(min, max)";
    case ParamType::kChoice: return "choice";
    case ParamType::kNodeList: return "list of node ids";
  }
  return "";
}

std::string number(double v) {
  CLocaleStream os;
  os << v;
  return os.str();
}

std::string allowed(const ParamSpec& p) {
  if (p.type == ParamType::kChoice) return join(p.choices, ", ");
  if (p.type == ParamType::kBool) return "true, false";
  if (p.type == ParamType::kNodeList) return "[id, ...]";
  const bool has_min = p.min > -1e300, has_max = p.max < 1e300;
  if (!has_min && !has_max) return "any";
  const bool durations = p.type == ParamType::kDuration || p.type == ParamType::kDurationRange;
  auto show = [&](double v) {
    if (durations) return format_duration(Duration::from_ns(static_cast<std::int64_t>(std::llround(v))));
    if (p.type == ParamType::kInt) return std::to_string(static_cast<std::int64_t>(v));
    return number(v);
  };
  if (has_min && has_max) return show(p.min) + " .. " + show(p.max);
  return has_min ? ">= " + show(p.min) : "<= " + show(p.max);
}

}  // namespace

std::string algorithm_reference_markdown() {
  std::string md;
  for (const auto& a : algorithms::catalogue()) {
    md += "\n#### `" + a.kind + "` (" + (a.layer == algorithms::Layer::kSync ? "sync" : "election") + ")\n\n";
    md += cell(a.summary) + "\n\n";
    if (const auto* r = algorithms::find_registration(a.kind, a.layer); r && a.layer == algorithms::Layer::kSync) {
      md += r->bound.has_hook() ? std::string("Worst-case bound: yes (skew.csv `bound_ns`, docs/bounds.md).\n\n")
                                : "Worst-case bound: none. " + cell(r->bound.no_bound_reason) + ".\n\n";
    }
    if (a.params.empty()) {
      md += "No parameters.\n";
      continue;
    }
    md += "| parameter | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    for (const auto& p : a.params) {
      md += "| `" + p.name + "` | " + type_name(p.type) + " | `" +
            cell(p.type == ParamType::kNodeList ? "[" + param_to_string(p.default_value) + "]" : param_to_string(p.default_value)) + "` | " +
            cell(allowed(p)) + " | " + cell(p.doc) + " |\n";
    }
  }
  return md;
}

}  // namespace clocksim::scenario
