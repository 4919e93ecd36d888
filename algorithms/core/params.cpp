#include "algorithms/core/params.hpp"

#include <cassert>
#include <sstream>
#include <stdexcept>

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

std::string param_to_string(const ParamValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream os;
      os << d;
      return os.str();
    }
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
