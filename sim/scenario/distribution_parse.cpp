#include "sim/scenario/distribution_parse.hpp"

#include <cmath>
#include <sstream>

#include "algorithms/core/c_locale_stream.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "sim/scenario/call_syntax.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using DistributionKind = Distribution::Kind;

struct KindInfo {
  const char* name;
  DistributionKind kind;
  std::vector<std::string> params;
  // Which parameters are unitless (lognormal's sigma and pareto's shape are pure numbers).
  std::vector<bool> unitless;
};

const std::vector<KindInfo>& distribution_kinds() {
  static const std::vector<KindInfo> k{
      {"constant", DistributionKind::kConstant, {"value"}, {false}},
      {"uniform", DistributionKind::kUniform, {"min", "max"}, {false, false}},
      {"normal", DistributionKind::kNormal, {"mean", "sd"}, {false, false}},
      {"lognormal", DistributionKind::kLognormal, {"median", "sigma"}, {false, true}},
      {"exponential", DistributionKind::kExponential, {"mean"}, {false}},
      {"pareto", DistributionKind::kPareto, {"scale", "shape"}, {false, true}},
      {"adversarial", DistributionKind::kAdversarial, {"min", "max"}, {false, false}},
  };
  return k;
}

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const auto& k : distribution_kinds()) names.emplace_back(k.name);
  return names;
}

std::string show(double v, Quantity q) {
  if (q == Quantity::kPpm) {
    CLocaleStream os;
    os << v;
    return os.str();
  }
  return format_duration(Duration::from_ns(static_cast<std::int64_t>(std::llround(v))));
}

// One value: ns for durations, a plain number for ppm and unitless parameters.
double parse_value(std::string_view text, bool unitless, Quantity q, const yaml::Node& node,
                   const std::string& path, const std::string& what) {
  text = trim(text);
  if (unitless || q == Quantity::kPpm) {
    if (auto v = parse_number(text)) return *v;
    std::string hint = q == Quantity::kPpm && !unitless ? " (ppm values are plain numbers: the key name carries the unit)" : "";
    fail_at(node, path, what + " must be a plain number, got '" + std::string(text) + "'" + hint);
  }
  if (auto d = parse_duration(text)) return static_cast<double>(d->ns());
  fail_at(node, path, what + ": " + duration_problem(text));
}

}  // namespace

std::string distribution_expected(Quantity quantity) {
  switch (quantity) {
    case Quantity::kLatency: return "a latency distribution such as uniform(1ms, 5ms)";
    case Quantity::kDuration: return "a duration or a distribution such as uniform(-10ms, 10ms)";
    case Quantity::kPpm: return "a number (ppm) or a distribution such as uniform(-50, 50)";
  }
  return "";
}

Distribution parse_distribution(const yaml::Node& node, const std::string& path, Quantity q) {
  const std::string expected = distribution_expected(q);
  if (!node.is_scalar()) fail_at(node, path, "expected " + expected + ", got " + yaml::describe(node));
  const std::string_view text = trim(node.text);

  const auto paren = text.find('(');
  if (paren == std::string_view::npos) {
    // A constant. Say precisely what is wrong with it.
    if (q == Quantity::kPpm) {
      if (auto v = parse_number(text)) return Distribution::constant(*v);
    } else if (auto d = parse_duration(text)) {
      if (q == Quantity::kLatency && d->ns() < 0) fail_at(node, path, "latency must not be negative, got " + node.text);
      return Distribution::constant(static_cast<double>(d->ns()));
    } else if (parse_number(text)) {
      fail_at(node, path, duration_problem(text));
    }
    const std::string word(trim(text));
    for (const auto& k : distribution_kinds()) {
      if (word == k.name) fail_at(node, path, "distribution '" + word + "' needs arguments: " + signature(k.name, k.params));
    }
    fail_at(node, path, "expected " + expected + ", got '" + node.text + "'");
  }

  // Optional "shift +" before the kind name: the last '+' before '(' (a name has no '+').
  std::string_view body = text;
  double shift = 0;
  const auto plus = text.substr(0, paren).rfind('+');
  if (plus != std::string_view::npos) {
    shift = parse_value(text.substr(0, plus), false, q, node, path, "the shift before '+'");
    body = text.substr(plus + 1);
  }
  const Call call = parse_call(body, node, path, expected);
  const KindInfo* info = nullptr;
  for (const auto& k : distribution_kinds()) {
    if (call.name == k.name) info = &k;
  }
  if (!info) {
    fail_at(node, path, "unknown distribution '" + call.name + "'" + did_you_mean(call.name, kind_names()) +
                            "; expected one of " + join(kind_names()));
  }
  if (info->kind == DistributionKind::kAdversarial && q != Quantity::kLatency) {
    fail_at(node, path, "adversarial(min, max) is only allowed for link latency");
  }
  const auto args = bind_args(call, info->params, info->params.size(), node, path);
  double v[2] = {0, 0};
  for (std::size_t i = 0; i < info->params.size(); ++i) {
    v[i] = parse_value(*args[i], info->unitless[i], q, node, path,
                       "argument '" + info->params[i] + "' of " + info->name);
  }

  Distribution d;
  d.kind = info->kind;
  d.a = v[0];
  d.b = v[1];
  d.shift = shift;
  const std::string sig = signature(info->name, info->params);
  switch (info->kind) {
    case DistributionKind::kConstant: break;
    case DistributionKind::kUniform:
    case DistributionKind::kAdversarial:
      if (d.b < d.a) {
        fail_at(node, path, sig + " needs min <= max, got min " + show(d.a, q) + " > max " + show(d.b, q));
      }
      break;
    case DistributionKind::kNormal:
      if (d.b < 0) fail_at(node, path, "normal(mean, sd) needs sd >= 0, got " + show(d.b, q));
      break;
    case DistributionKind::kLognormal:
      if (d.a <= 0) fail_at(node, path, "lognormal(median, sigma) needs median > 0, got " + show(d.a, q));
      if (d.b < 0) fail_at(node, path, "lognormal(median, sigma) needs sigma >= 0, got " + show(d.b, Quantity::kPpm));
      break;
    case DistributionKind::kExponential:
      if (d.a <= 0) fail_at(node, path, "exponential(mean) needs mean > 0, got " + show(d.a, q));
      break;
    case DistributionKind::kPareto:
      if (d.a <= 0) fail_at(node, path, "pareto(scale, shape) needs scale > 0, got " + show(d.a, q));
      if (d.b <= 0) fail_at(node, path, "pareto(scale, shape) needs shape > 0, got " + show(d.b, Quantity::kPpm));
      break;
  }
  // Latency may not go below zero (normal is truncated at zero by the network, so only its
  // shift matters there).
  if (q == Quantity::kLatency) {
    const double lower = d.kind == DistributionKind::kNormal ? d.shift : d.lower_bound();
    if (lower < 0) {
      fail_at(node, path, "latency must not be negative, but '" + node.text + "' reaches " + show(lower, q));
    }
  }
  return d;
}

}  // namespace clocksim::scenario
