#include "daemon/config/param_text.hpp"

#include <charconv>
#include <cmath>

#include "algorithms/core/duration_parse.hpp"
#include "config/reader.hpp"

namespace clocksim::daemon {

namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string range_text(const ParamSpec& spec, bool duration) {
  auto fmt = [&](double v) {
    if (duration) return format_duration(Duration::from_ns(static_cast<std::int64_t>(v)));
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  return "[" + fmt(spec.min) + ", " + fmt(spec.max) + "]";
}

std::variant<Duration, std::string> duration_in_range(const ParamSpec& spec, const std::string& text) {
  const auto d = parse_duration(text);
  if (!d) return config::duration_problem(text);
  const double ns = static_cast<double>(d->ns());
  if (ns < spec.min || ns > spec.max) return "duration " + text + " is outside " + range_text(spec, true);
  return *d;
}

}  // namespace

std::variant<ParamValue, std::string> parse_param_text(const ParamSpec& spec, const std::string& raw) {
  const std::string text = trim(raw);
  switch (spec.type) {
    case ParamType::kBool:
      // As in a scenario: only true and false (YAML 1.1's yes/on/no/off are typos waiting to happen).
      if (text == "true") return ParamValue(true);
      if (text == "false") return ParamValue(false);
      return "expected true or false, got '" + text + "'";
    case ParamType::kInt: {
      std::int64_t v = 0;
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
        return "expected an integer, got '" + text + "'";
      }
      if (static_cast<double>(v) < spec.min || static_cast<double>(v) > spec.max) {
        return "value " + text + " is outside " + range_text(spec, false);
      }
      return ParamValue(v);
    }
    case ParamType::kDouble: {
      double v = 0;
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty() || !std::isfinite(v)) {
        return "expected a number, got '" + text + "'";
      }
      if (v < spec.min || v > spec.max) return "value " + text + " is outside " + range_text(spec, false);
      return ParamValue(v);
    }
    case ParamType::kDuration: {
      auto d = duration_in_range(spec, text);
      if (auto* e = std::get_if<std::string>(&d)) return *e;
      return ParamValue(std::get<Duration>(d));
    }
    case ParamType::kDurationRange: {
      const std::string prefix = "uniform(";
      if (text.rfind(prefix, 0) == 0) {
        if (text.back() != ')') return "expected uniform(MIN, MAX), got '" + text + "'";
        const std::string inner = text.substr(prefix.size(), text.size() - prefix.size() - 1);
        const auto comma = inner.find(',');
        if (comma == std::string::npos) return "expected uniform(MIN, MAX), got '" + text + "'";
        auto lo = duration_in_range(spec, trim(inner.substr(0, comma)));
        if (auto* e = std::get_if<std::string>(&lo)) return *e;
        auto hi = duration_in_range(spec, trim(inner.substr(comma + 1)));
        if (auto* e = std::get_if<std::string>(&hi)) return *e;
        if (std::get<Duration>(hi) < std::get<Duration>(lo)) return "uniform(MIN, MAX) needs MIN <= MAX, got '" + text + "'";
        return ParamValue(DurationRange{std::get<Duration>(lo), std::get<Duration>(hi)});
      }
      auto d = duration_in_range(spec, text);
      if (auto* e = std::get_if<std::string>(&d)) return *e + " (or uniform(MIN, MAX))";
      return ParamValue(DurationRange{std::get<Duration>(d), std::get<Duration>(d)});
    }
    case ParamType::kChoice: {
      std::string allowed;
      for (const auto& c : spec.choices) {
        if (c == text) return ParamValue(text);
        allowed += (allowed.empty() ? "" : ", ") + c;
      }
      return "expected one of " + allowed + ", got '" + text + "'";
    }
    case ParamType::kNodeList: {
      const auto ids = parse_node_list(text);
      if (!ids) return "expected node ids such as 1,3, got '" + text + "'";
      return ParamValue(node_list_text(*ids));
    }
  }
  return std::string("unsupported parameter type");
}

}  // namespace clocksim::daemon
