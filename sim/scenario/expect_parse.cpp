#include "sim/scenario/expect_parse.hpp"

#include "algorithms/core/duration_parse.hpp"
#include "sim/scenario/call_syntax.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using ExpectKind = ExpectSpec::Kind;

// "bound", "1.5 * bound", "1.5*bound" or a duration.
void read_skew_limit(const yaml::Node& v, const std::string& p, ExpectSpec& e) {
  if (!v.is_scalar()) fail_at(v, p, "expected a skew limit such as 5ms, bound or 1.5 * bound, got " + yaml::describe(v));
  const std::string_view text = trim(v.text);
  if (text == "bound") {
    e.use_bound = true;
    return;
  }
  if (const auto star = text.find('*'); star != std::string_view::npos) {
    const std::string_view lhs = trim(text.substr(0, star));
    const std::string_view rhs = trim(text.substr(star + 1));
    const auto factor = parse_number(lhs);
    if (rhs != "bound" || !factor) {
      fail_at(v, p, "expected a skew limit such as 5ms, bound or 1.5 * bound, got '" + v.text + "'");
    }
    if (*factor <= 0) fail_at(v, p, "the factor in '" + v.text + "' must be positive");
    e.use_bound = true;
    e.bound_factor = *factor;
    return;
  }
  e.value = read_duration(v, p, Duration::zero());
}

}  // namespace

std::vector<ExpectSpec> parse_expects(const yaml::Node* node, const std::string& path, Duration duration, bool logical) {
  std::vector<ExpectSpec> out;
  if (!node || node->is_null()) return out;
  expect_sequence(*node, path, "a list of expectations such as [{max_skew: bound, after: 30s}]");
  for (std::size_t i = 0; i < node->items.size(); ++i) {
    const yaml::Node& item = node->items[i];
    const std::string p = child_path(path, i);
    expect_map(item, p, "an expectation such as {max_skew: 5ms, after: 30s}");
    std::string kind;
    for (const auto& e : item.entries) {
      bool window_key = false;
      for (const auto& w : keys::expect_window()) window_key = window_key || w == e.key;
      if (window_key) continue;
      bool known = false;
      for (const auto& k : keys::expect_kinds()) known = known || k == e.key;
      if (!known) {
        fail_at(e.key_pos, child_path(p, e.key),
                "unknown expectation '" + e.key + "'" + did_you_mean(e.key, keys::expect_kinds()) + "; expected one of " +
                    join(keys::expect_kinds()) + " (with optional after, until, outside_failover for max_skew, max_abs_offset and offset; at_least for max_skew and max_abs_offset; within for offset)");
      }
      if (!kind.empty()) {
        fail_at(e.key_pos, child_path(p, e.key), "an expectation checks one thing; this one has both '" + kind + "' and '" + e.key + "'");
      }
      kind = e.key;
    }
    if (kind.empty()) fail_at(item, p, "missing what to expect: one of " + join(keys::expect_kinds()));

    ExpectSpec e;
    e.where = location_of(item);
    const yaml::Node& v = *item.find(kind);
    const std::string vp = child_path(p, kind);
    bool windowed = false;
    if (kind == "max_skew") {
      e.kind = ExpectKind::kMaxSkew;
      windowed = true;
      read_skew_limit(v, vp, e);
    } else if (kind == "max_abs_offset") {
      e.kind = ExpectKind::kMaxAbsOffset;
      windowed = true;
      e.value = read_duration(v, vp, Duration::zero());
    } else if (kind == "offset") {
      e.kind = ExpectKind::kOffset;
      windowed = true;
      e.value = read_duration(v, vp);
    } else if (kind == "causality") {
      e.kind = ExpectKind::kCausality;
      if (!v.is_scalar() || trim(v.text) != "consistent") {
        fail_at(v, vp, "expected 'consistent' (every pair of events' Lamport and vector stamps agree with the true "
                       "happened-before relation), got " + yaml::describe(v));
      }
      if (!logical) fail_at(v, vp, "'causality' checks logical-clock stamps: it needs algorithm.sync.kind logical");
    } else if (kind == "masters_at_end") {
      e.kind = ExpectKind::kMastersAtEnd;
      e.count = read_int(v, vp, 0);
    } else {
      e.kind = ExpectKind::kFailoverTimeMax;
      e.value = read_duration(v, vp, Duration::from_ns(1));
    }
    if (const yaml::Node* a = item.find("at_least")) {
      const std::string ap = child_path(p, "at_least");
      if (e.kind != ExpectKind::kMaxSkew && e.kind != ExpectKind::kMaxAbsOffset) {
        fail_at(*a, ap, "'at_least' applies only to max_skew and max_abs_offset");
      }
      e.at_least = read_duration(*a, ap, Duration::zero());
      if (!e.use_bound && *e.at_least > e.value) {
        fail_at(*a, ap, "'at_least' (" + a->text + ") is above the upper limit " + format_duration(e.value));
      }
    }
    if (const yaml::Node* w = item.find("within")) {
      const std::string wp = child_path(p, "within");
      if (e.kind != ExpectKind::kOffset) fail_at(*w, wp, "'within' applies only to offset");
      e.within = read_duration(*w, wp, Duration::zero());
    }
    if (const yaml::Node* o = item.find("outside_failover")) {
      const std::string op = child_path(p, "outside_failover");
      if (!windowed) fail_at(*o, op, "'outside_failover' applies only to max_skew, max_abs_offset and offset");
      e.outside_failover = read_duration(*o, op, Duration::zero(), duration);
    }
    for (const char* key : {"after", "until"}) {
      const yaml::Node* w = item.find(key);
      if (!w) continue;
      const std::string wp = child_path(p, key);
      if (!windowed) fail_at(*w, wp, "'" + std::string(key) + "' applies only to max_skew, max_abs_offset and offset");
      const Duration t = read_duration(*w, wp, Duration::zero());
      if (t > duration) {
        fail_at(*w, wp, "'" + std::string(key) + "' (" + w->text + ") is after the end of the run (duration " +
                            format_duration(duration) + ")");
      }
      if (std::string(key) == "after") {
        e.after = t;
      } else {
        e.until = t;
        if (t <= e.after) fail_at(*w, wp, "'until' (" + w->text + ") must be after 'after' (" + format_duration(e.after) + ")");
      }
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace clocksim::scenario
