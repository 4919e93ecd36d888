#include "sim/output/run_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <type_traits>

#include "algorithms/core/c_locale_stream.hpp"
#include "algorithms/core/checked_math.hpp"
#include "algorithms/core/decimal_text.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/number_text.hpp"
#include "sim/bound/saturated_ns.hpp"

namespace clocksim::sim {
namespace {

using Kind = scenario::ExpectSpec::Kind;

std::string seconds_text(Time t) { return fixed_text(t.seconds(), 3) + "s"; }

// For reports: three significant decimals in the unit that fits ("65.641ms"), not an exact
// round-trip form.
std::string human(Duration d) {
  const double ns = static_cast<double>(d.ns());
  const double mag = ns < 0 ? -ns : ns;
  if (mag >= 1e9) return fixed_text(ns * 1e-9, 3) + "s";
  if (mag >= 1e6) return fixed_text(ns * 1e-6, 3) + "ms";
  if (mag >= 1e3) return fixed_text(ns * 1e-3, 3) + "us";
  return fixed_text(ns, 0) + "ns";
}

std::string expect_text(const scenario::ExpectSpec& e) {
  std::string s;
  switch (e.kind) {
    case Kind::kMaxSkew:
      s = "max_skew <= ";
      if (e.use_bound) {
        s += e.bound_factor == 1.0 ? "bound" : (number_text(e.bound_factor) + " * bound");
      } else {
        s += format_duration(e.value);
      }
      break;
    case Kind::kMaxAbsOffset: s = "max_abs_offset <= " + format_duration(e.value); break;
    case Kind::kOffset: s = "offset == " + format_duration(e.value) + " +- " + format_duration(e.within); break;
    case Kind::kMastersAtEnd: s = "masters_at_end == " + std::to_string(e.count); break;
    case Kind::kFailoverTimeMax: s = "failover_time <= " + format_duration(e.value); break;
    case Kind::kCausality: s = "causality consistent"; break;
  }
  if (e.at_least) s += " and >= " + format_duration(*e.at_least);
  if (e.kind == Kind::kMaxSkew || e.kind == Kind::kMaxAbsOffset || e.kind == Kind::kOffset) {
    if (e.after > Duration::zero()) s += " after " + format_duration(e.after);
    if (e.until) s += " until " + format_duration(*e.until);
    if (e.outside_failover) s += " outside failovers (+" + format_duration(*e.outside_failover) + " settle)";
  }
  return s;
}

nlohmann::ordered_json counts_json(const MessageCounts& counts) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    const auto type = static_cast<MsgType>(i);
    j[is_known_msg_type(static_cast<std::uint8_t>(i)) ? std::string(msg_type_name(type)) : "TYPE_" + std::to_string(i)] =
        counts[i];
  }
  return j;
}

}  // namespace

bool counts_as_election_message(MsgType t) {
  return is_election_message(t) && t != MsgType::kHeartbeat && t != MsgType::kLoop;
}

std::uint64_t Failover::election_messages() const {
  std::uint64_t sum = 0;
  for (std::uint64_t c : election_by_type) sum += c;
  return sum;
}

void RunAnalysis::on_message_sent(Time t, MsgType type, NodeId from) {
  const auto i = static_cast<std::uint8_t>(type);
  for (std::size_t k = 0; k < open_partition_failovers_.size();) {
    Failover& f = failovers_[open_partition_failovers_[k]];
    if (f.elected_at && f.window_closed_at) {
      open_partition_failovers_[k] = open_partition_failovers_.back();
      open_partition_failovers_.pop_back();
      continue;
    }
    ++k;
    if (from == kNoNode || !concerns(f, from)) continue;
    Failover::SideCounts& c = f.side_counts;
    ++c.sent;
    ++c.by_type[i];
    if (c.last_send_at != t) {
      c.at_instant.fill(0);
      c.last_send_at = t;
    }
    ++c.at_instant[i];
  }
  if (t != last_send_at_) {
    for (std::uint8_t k : types_at_instant_) sent_at_instant_[k] = 0;
    types_at_instant_.clear();
    last_send_at_ = t;
  }
  if (sent_at_instant_[i]++ == 0) types_at_instant_.push_back(i);
  ++sent_by_type_[i];
}

void RunAnalysis::close_election_window(Failover& f, Time t, bool before_instant) {
  if (f.window_closed_at) return;
  f.window_closed_at = t;
  if (f.partition) {
    const Failover::SideCounts& c = f.side_counts;
    const bool exclude_side = before_instant && t == c.last_send_at;
    for (std::size_t i = 0; i < c.by_type.size(); ++i) {
      if (!counts_as_election_message(static_cast<MsgType>(i))) continue;
      f.election_by_type[i] = c.by_type[i] - (exclude_side ? c.at_instant[i] : 0);
    }
    return;
  }
  const bool exclude = before_instant && t == last_send_at_;
  for (std::size_t i = 0; i < sent_by_type_.size(); ++i) {
    if (!counts_as_election_message(static_cast<MsgType>(i))) continue;
    const std::uint64_t now = sent_by_type_[i] - (exclude ? sent_at_instant_[i] : 0);
    f.election_by_type[i] = now - f.sent_by_type_at_loss[i];
  }
}

bool RunAnalysis::concerns(const Failover& f, NodeId node) {
  return !f.partition || std::binary_search(f.side.begin(), f.side.end(), node);
}

void RunAnalysis::start_partition_failovers(Time t) {
  // The partition fault that fires now (the world emits one event per partition).
  const scenario::FaultSpec* fault = nullptr;
  for (const auto& f : spec_.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kPartition && f.at.ns() == t.ns()) fault = &f;
  }
  const NodeId master = current_master_ != kNoNode ? current_master_ : lost_master_at_ == t ? lost_master_ : kNoNode;
  if (!fault || master == kNoNode) return;
  // Every group without the master has lost it: its own failover (detection, election, new
  // master among its nodes).
  for (const auto& group : fault->groups) {
    if (std::find(group.begin(), group.end(), master) != group.end()) continue;
    Failover f;
    f.old_master = master;
    f.partition = true;
    f.side = group;
    std::sort(f.side.begin(), f.side.end());
    f.lost_at = t;
    f.messages_at_loss = messages_sent_ ? *messages_sent_ : 0;
    f.sent_by_type_at_loss = sent_by_type_;
    open_partition_failovers_.push_back(failovers_.size());
    failovers_.push_back(f);
  }
}

void RunAnalysis::appoint(Failover& f, Time t, NodeId master) {
  f.elected_at = t;
  f.new_master = master;
  if (f.partition) {
    f.messages_sent = f.side_counts.sent;
    f.sent_by_type = f.side_counts.by_type;
  } else {
    f.messages_sent = messages_sent_ ? *messages_sent_ - f.messages_at_loss : 0;
    for (std::size_t i = 0; i < sent_by_type_.size(); ++i) f.sent_by_type[i] = sent_by_type_[i] - f.sent_by_type_at_loss[i];
  }
  if (!f.detected_at) f.detected_at = t;
}

void RunAnalysis::close_election_windows(Time t, bool before_instant) {
  // Faults at the instant of a loss are that loss (simultaneous crashes, a crash with a
  // partition), in whatever order the scenario lists them: only a later one is the next fault.
  for (auto& f : failovers_) {
    if (f.lost_at != t) close_election_window(f, t, before_instant);
  }
}

RunAnalysis::RunAnalysis(const scenario::ScenarioSpec& spec)
    : spec_(spec), first_correction_done_(spec.nodes.size()), state_(spec.expects.size()) {
  for (const auto& e : spec.expects) track_masters_ = track_masters_ || e.outside_failover.has_value();
  if (track_masters_) is_master_now_.assign(spec.nodes.size(), 0);
  const std::string& sync = spec.algorithm.sync.kind;
  if (spec.warmup) {
    steady_from_ = Time::epoch() + *spec.warmup;
    warmup_rule_ = "scenario";
  } else if (sync.empty() || sync == "none" || sync == "logical") {
    // Nothing corrects the clocks: the start is as steady as the run gets.
    steady_from_ = Time::epoch();
    warmup_rule_ = "no_sync";
  } else {
    warmup_rule_ = "first_round";
  }
}

void RunAnalysis::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode) {
  // Once the first round is over nothing here is read again (on_roles): no look at the node.
  if (steady_from_ || node >= first_correction_done_.size() || first_correction_done_[node]) return;
  any_correction_ = true;
  Time done = t;
  if (mode == AdjustMode::kSlew) {
    // adjtime spreads the correction at the node's bounded slew rate: the round has not taken
    // effect on this clock until the slew ends.
    const auto& o = spec_.nodes[node].clock.get();
    const double slew_ppm = o.max_slew_ppm.value_or(spec_.clocks.max_slew_ppm);
    const double magnitude_ns = std::fabs(static_cast<double>(delta.ns()));
    // Saturated: a slew too slow to end within int64 nanoseconds never ends.
    if (slew_ppm > 0) done = t + Duration::from_ns_rounded(std::ceil(magnitude_ns / (slew_ppm * 1e-6)));
  }
  first_correction_done_[node] = done;
}

void RunAnalysis::set_master_now(Time t, NodeId node, bool master) {
  if (!track_masters_ || node >= is_master_now_.size() || (is_master_now_[node] != 0) == master) return;
  const bool was_one = masters_now_ == 1;
  is_master_now_[node] = master ? 1 : 0;
  masters_now_ += master ? 1 : -1;
  // Leaving or regaining exactly one master both start the settle time of outside_failover.
  if (was_one || masters_now_ == 1) last_not_one_master_ = t;
}

void RunAnalysis::enter_instant(Time t) {
  if (instant_ == t) return;
  instant_ = t;
  masters_before_ = Masters{masters_now(), last_not_one_master_};
}

RunAnalysis::Masters RunAnalysis::masters_at(Time t, bool left_limit) const {
  if (left_limit && instant_ == t) return masters_before_;
  return Masters{masters_now(), last_not_one_master_};
}

void RunAnalysis::on_roles(Time t, const RoleTally& roles) {
  enter_instant(t);
  if (track_masters_) {
    masters_now_ = roles.masters();
    for (NodeId i = 0; i < roles.size() && i < is_master_now_.size(); ++i) is_master_now_[i] = roles.is_master(i) ? 1 : 0;
  }
  if (steady_from_ || !any_correction_) return;
  // The first full round is over once every up, correct node that takes time from others (not a
  // master or a server) has had its first correction take effect.
  for (NodeId i = 0; i < roles.size(); ++i) {
    const NodeRole& n = roles.node(i);
    if (!n.up || n.faulty || n.role == Role::kMaster || n.role == Role::kServer) continue;
    const auto& done = first_correction_done_[n.id];
    if (!done || *done > t) return;
  }
  steady_from_ = t;
}

void RunAnalysis::on_tick(const TickStats& s) {
  enter_instant(s.t);
  if (current_master_ == kNoNode && s.masters > 0 && s.master != kNoNode &&
      (masters_by_events_.empty() || masters_by_events_.count(s.master) != 0)) {
    current_master_ = s.master;
  }
  for (auto& f : failovers_) {
    if (!f.elected_at) f.max_skew_during_ns = std::max(f.max_skew_during_ns, s.max_skew_ns);
  }
  if (s.bound) last_bound_ns_ = s.bound->ns();
  check(s.t, s.max_skew_ns, s.max_abs_offset_ns, s.bound, Masters{s.masters, last_not_one_master_}, s.min_offset_ns,
        s.max_offset_ns, s.up_nodes);
  if (steady_from_ && s.t >= *steady_from_ && s.up_nodes > 0) steady_tick_skews_ns_.push_back(s.max_skew_ns);
  last_ = s;
  if (s.masters != 1) last_not_one_master_ = s.t;
}

void RunAnalysis::on_instant(Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns,
                             std::optional<Duration> bound, std::int64_t min_offset_ns, std::int64_t max_offset_ns,
                             std::uint32_t up_nodes, bool left_limit) {
  // Between ticks the roles are the latest tick's, changed by the role events since.
  check(t, max_skew_ns, max_abs_offset_ns, bound, masters_at(t, left_limit), min_offset_ns, max_offset_ns, up_nodes,
        left_limit);
}

void RunAnalysis::check(Time t, std::int64_t max_skew, std::int64_t max_abs_offset, std::optional<Duration> bound,
                        const Masters& masters, std::int64_t min_offset, std::int64_t max_offset, std::uint32_t up_nodes,
                        bool left_limit) {
  check_impl(*this, t, max_skew, max_abs_offset, bound, masters, min_offset, max_offset, up_nodes, left_limit);
}

bool RunAnalysis::instant_could_matter(Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns,
                                       std::optional<Duration> bound, std::int64_t min_offset_ns,
                                       std::int64_t max_offset_ns, std::uint32_t up_nodes, bool left_limit) const {
  // The masters matter only to outside_failover expectations (check_impl reads them nowhere
  // else), and this is asked at nearly every instant of a run: without any, they are not looked up.
  return check_impl(*this, t, max_skew_ns, max_abs_offset_ns, bound, track_masters_ ? masters_at(t, left_limit) : Masters{},
                    min_offset_ns, max_offset_ns, up_nodes, left_limit);
}

// One body for applying an instant (Self non-const) and for asking whether it would change
// anything (Self const: returns at the first change it would make, mutates nothing). Every
// statistic is a maximum, a worst ratio or a first violation of a quantity that grows with the
// skew, the largest |offset| and the largest offset and falls with the smallest offset, so an
// instant that changes nothing at those extremes changes nothing at all.
template <class Self>
bool RunAnalysis::check_impl(Self& self, Time t, std::int64_t max_skew, std::int64_t max_abs_offset,
                             std::optional<Duration> bound, const Masters& masters, std::int64_t min_offset,
                             std::int64_t max_offset, std::uint32_t up_nodes, bool left_limit) {
  constexpr bool kApply = !std::is_const_v<Self>;
  // With no correct node up nothing was measured: the 0 passed for the skew is no agreement.
  if (up_nodes == 0) return false;
  // The first instant measured sets the worst skew whatever it is (0 included): before it there is
  // no worst skew to report, not one of 0.
  if (!self.measured_ || max_skew > self.max_skew_ns_) {
    if constexpr (!kApply) return true;
    else {
      self.max_skew_ns_ = max_skew;
      self.max_skew_at_ = t;
      self.measured_ = true;
    }
  }
  // The left limit at the warm-up's first instant is the state before it.
  const bool after_warmup = self.steady_from_ && (t > *self.steady_from_ || (t == *self.steady_from_ && !left_limit));
  if (after_warmup) {
    if (!self.checked_after_warmup_) {
      if constexpr (!kApply) return true;
      else self.checked_after_warmup_ = true;
    }
    if (max_skew > self.max_skew_after_warmup_ns_) {
      if constexpr (!kApply) return true;
      else self.max_skew_after_warmup_ns_ = max_skew;
    }
    if (bound && bound->ns() > 0) {
      // Saturated: a skew 10^13 times a 1 ns bound is past int64 ppm, where a plain cast wraps
      // to a negative ratio that would never be the worst.
      const std::int64_t ratio_ppm =
          floor_ns(static_cast<double>(max_skew) / static_cast<double>(bound->ns()) * 1e6).ns();
      if (ratio_ppm > self.max_bound_ratio_ppm_) {
        if constexpr (!kApply) return true;
        else {
          self.max_bound_ratio_ppm_ = ratio_ppm;
          self.max_bound_ratio_at_ = t;
        }
      }
    }
  }
  if (bound && max_skew > bound->ns() && after_warmup) {
    if constexpr (!kApply) return true;
    else ++self.bound_violations_;
  }

  for (std::size_t i = 0; i < self.spec_.expects.size(); ++i) {
    const auto& e = self.spec_.expects[i];
    if (e.kind != Kind::kMaxSkew && e.kind != Kind::kMaxAbsOffset && e.kind != Kind::kOffset) continue;
    const Duration since_start = t - Time::epoch();
    if (since_start < e.after || (left_limit && since_start == e.after) || (e.until && since_start > *e.until)) continue;
    if (e.outside_failover) {
      // Skip instants without exactly one master, and the settle time after each such interval.
      if (masters.count != 1) continue;
      if (masters.last_not_one && t - *masters.last_not_one <= *e.outside_failover) continue;
    }
    auto& st = self.state_[i];
    std::int64_t allowed = e.value.ns();
    if (e.kind == Kind::kMaxSkew && e.use_bound) {
      if (!bound) {
        if (!st.no_bound_at_some_tick) {
          if constexpr (!kApply) return true;
          else st.no_bound_at_some_tick = true;
        }
        continue;
      }
      // Exact, and saturated: k times a bound near the top of the range is still the largest
      // value, not a negative one that no skew could meet.
      allowed = floor_scaled_ns(*bound, e.bound_factor).ns();
    }
    if (e.kind == Kind::kOffset) allowed = e.within.ns();
    // offset: how far the farthest up node is from the expected offset, on either side.
    // Saturated: an expected offset near the end of the range minus a clock's offset of the other
    // sign is past int64, where a wrapped negative distance would pass every node.
    const std::int64_t value = e.kind == Kind::kMaxSkew       ? max_skew
                               : e.kind == Kind::kMaxAbsOffset ? max_abs_offset
                                                               : std::max(sat_sub(max_offset, e.value.ns()),
                                                                          sat_sub(e.value.ns(), min_offset));
    const std::int64_t excess = value - allowed;
    const double ratio = allowed > 0 ? static_cast<double>(value) / static_cast<double>(allowed)
                                     : (value > 0 ? std::numeric_limits<double>::infinity() : 0.0);
    const bool larger = !st.checked_any || value > st.largest_ns;
    const bool worse_excess = !st.checked_any || excess > st.worst_excess_ns;
    const bool worse_ratio = !st.checked_any || ratio > st.worst_ratio;
    const bool first_violation = excess > 0 && (!st.first_violation || t < *st.first_violation);
    if constexpr (!kApply) {
      if (larger || worse_excess || worse_ratio || first_violation) return true;
    } else {
      if (larger) {
        st.largest_ns = value;
        st.largest_at = t;
      }
      if (worse_excess) {
        st.worst_excess_ns = excess;
        st.worst_at = t;
        st.worst_value_ns = value;
        st.worst_allowed_ns = allowed;
      }
      if (worse_ratio) {
        st.worst_ratio = ratio;
        st.worst_ratio_at = t;
        st.worst_ratio_value_ns = value;
        st.worst_ratio_allowed_ns = allowed;
      }
      st.checked_any = true;
      if (first_violation) st.first_violation = t;
    }
  }
  return false;
}

void RunAnalysis::on_event(Time t, NodeId node, EventKind kind, NodeId subject) {
  enter_instant(t);
  switch (kind) {
    case EventKind::kRestart:
    case EventKind::kLinkDown:
    case EventKind::kLinkUp:
    case EventKind::kHeal:
      close_election_windows(t, true);
      break;
    case EventKind::kPartition:
      close_election_windows(t, true);
      start_partition_failovers(t);
      break;
    case EventKind::kCrash: {
      close_election_windows(t, true);
      set_master_now(t, node, false);
      // The master most nodes followed at the last tick is lost as much as the last node to
      // become master (a side cut off by a partition may have made its own since).
      const bool followed = masters_by_events_.erase(node) != 0 && last_ && last_->master == node;
      if (node != kNoNode && (node == current_master_ || followed)) {
        Failover f;
        f.old_master = node;
        f.lost_at = t;
        f.messages_at_loss = messages_sent_ ? *messages_sent_ : 0;
        f.sent_by_type_at_loss = sent_by_type_;
        failovers_.push_back(f);
        current_master_ = kNoNode;
        lost_master_ = node;
        lost_master_at_ = t;
      }
      break;
    }
    case EventKind::kMasterSilent:
      // A node that already followed the new master and now misses it starts a new episode
      // (a spurious timeout): not this failover's election. Late detectors of the lost master
      // and orphans that missed the appointment are still this failover.
      for (auto& f : failovers_) {
        if (f.elected_at && f.followers.count(node) != 0) close_election_window(f, t, true);
      }
      [[fallthrough]];
    case EventKind::kElectionStarted:
      if (kind == EventKind::kElectionStarted) ++elections_;
      for (auto& f : failovers_) {
        if (f.elected_at || !concerns(f, node)) continue;
        if (!f.detected_at) f.detected_at = t;
        if (kind == EventKind::kElectionStarted) ++f.elections_started;
      }
      break;
    case EventKind::kBecameMaster:
      set_master_now(t, node, true);
      masters_by_events_.insert(node);
      current_master_ = node;
      for (auto& f : failovers_) {
        if (!f.elected_at && concerns(f, node)) appoint(f, t, node);
      }
      break;
    case EventKind::kBecameSlave:
      // Orphans that join a master already there (not the lost one) have their new master.
      if (subject != kNoNode && subject != node && masters_by_events_.count(subject) != 0) {
        for (auto& f : failovers_) {
          if (!f.elected_at && f.old_master != subject && concerns(f, node) && concerns(f, subject)) {
            appoint(f, t, subject);
            if (current_master_ == kNoNode) current_master_ = subject;
          }
        }
      }
      for (auto& f : failovers_) {
        if (f.elected_at && !f.window_closed_at) f.followers.insert(node);
      }
      set_master_now(t, node, false);
      masters_by_events_.erase(node);
      if (node == current_master_) current_master_ = kNoNode;
      break;
    default: break;
  }
}

void RunAnalysis::set_causality(std::uint64_t events, std::optional<CausalityReport> report) {
  logical_events_ = events;
  causality_ = std::move(report);
}

void RunAnalysis::finish() {
  const Time end = last_ ? last_->t : Time::epoch() + spec_.duration;
  for (auto& f : failovers_) close_election_window(f, end, false);
  // By the instant of the loss, a crash before the partition sides it caused: the same list
  // whichever of two simultaneous faults the scenario names first.
  std::stable_sort(failovers_.begin(), failovers_.end(), [](const Failover& a, const Failover& b) {
    return a.lost_at != b.lost_at ? a.lost_at < b.lost_at : !a.partition && b.partition;
  });
  open_partition_failovers_.clear();
  masters_at_end_ = last_ ? last_->masters : 0;
  if (!steady_tick_skews_ns_.empty()) {
    std::vector<std::int64_t>& v = steady_tick_skews_ns_;
    SteadyStats st;
    double sum = 0;
    for (std::int64_t x : v) sum += static_cast<double>(x);
    st.mean_ns = sum / static_cast<double>(v.size());
    // Nearest-rank percentiles: a value some tick actually had.
    auto rank = [&v](double q) {
      const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
      const std::size_t i = k == 0 ? 0 : k - 1;
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
      return v[i];
    };
    st.p50_ns = rank(0.50);
    st.p99_ns = rank(0.99);
    steady_stats_ = st;
    v.clear();
    v.shrink_to_fit();
  }
  expects_.clear();
  for (std::size_t i = 0; i < spec_.expects.size(); ++i) {
    const auto& e = spec_.expects[i];
    const ExpectState& st = state_[i];
    ExpectResult r;
    r.text = expect_text(e);
    r.where = e.where;
    CLocaleStream d;
    switch (e.kind) {
      case Kind::kMaxSkew:
      case Kind::kMaxAbsOffset:
      case Kind::kOffset:
        if (e.use_bound && st.no_bound_at_some_tick) {
          r.passed = false;
          r.evaluated = false;
          d << "this scenario has no theoretical bound (" << "see summary.json results.bound_note" << ")";
        } else if (!st.checked_any) {
          r.passed = false;
          r.evaluated = false;
          d << "no tick with a correct node up (one neither down nor Byzantine) fell in the checked interval";
        } else if (st.first_violation) {
          r.passed = false;
          d << "exceeded by " << human(Duration::from_ns(st.worst_excess_ns)) << " at t="
            << seconds_text(st.worst_at) << " (measured " << human(Duration::from_ns(st.worst_value_ns))
            << ", allowed " << human(Duration::from_ns(st.worst_allowed_ns)) << "); first at t="
            << seconds_text(*st.first_violation);
        } else {
          // The instant closest to the limit by ratio: where the bound is small, a small skew
          // can be the tightest point.
          const std::string ratio = fixed_text(st.worst_ratio, 3);
          d << "worst " << human(Duration::from_ns(st.worst_ratio_value_ns)) << " at t="
            << seconds_text(st.worst_ratio_at) << " (allowed " << human(Duration::from_ns(st.worst_ratio_allowed_ns))
            << ", ratio " << ratio << ")";
        }
        if (r.passed && e.at_least && st.largest_ns < e.at_least->ns()) {
          r.passed = false;
          d << "; but the largest value, " << human(Duration::from_ns(st.largest_ns)) << " at t="
            << seconds_text(st.largest_at) << ", stays below the lower limit " << human(*e.at_least);
        } else if (e.at_least) {
          d << "; largest " << human(Duration::from_ns(st.largest_ns)) << " at t=" << seconds_text(st.largest_at)
            << " (at least " << human(*e.at_least) << ")";
        }
        break;
      case Kind::kCausality:
        // No event, or too many to check, leaves the stamps unchecked: never a pass.
        if (logical_events_ == 0) {
          r.passed = false;
          r.evaluated = false;
          d << "no logical-clock event in the run";
        } else if (!causality_) {
          r.passed = false;
          r.evaluated = false;
          d << logical_events_ << " events, more than are checked pair by pair: happened-before not checked";
        } else {
          const CausalityReport& c = *causality_;
          r.passed = c.ok();
          d << c.events << " events, " << c.happened_before << " happened-before pairs: " << c.lamport_violations
            << " Lamport violation(s), " << c.vector_false_order << " vector order(s) without happened-before, "
            << c.vector_missed_order << " happened-before pair(s) the vectors miss, " << c.unmatched_receives
            << " receive(s) of a message never delivered";
        }
        break;
      case Kind::kMastersAtEnd:
        r.passed = static_cast<std::int64_t>(masters_at_end_) == e.count;
        d << masters_at_end_ << " master(s) at the end";
        break;
      case Kind::kFailoverTimeMax: {
        if (failovers_.empty()) {
          r.passed = false;
          r.evaluated = false;
          d << "no failover happened (no master crashed)";
          break;
        }
        // A master lost less than the allowed time before the end may yet be replaced in time:
        // the run cannot tell, so such a failover counts neither way.
        const Time end = last_ ? last_->t : Time::epoch() + spec_.duration;
        Duration worst = Duration::zero();
        const Failover* undecided = nullptr;
        std::size_t decided = 0;
        for (const auto& f : failovers_) {
          if (!f.elected_at && end - f.lost_at < e.value) {
            if (!undecided) undecided = &f;
            continue;
          }
          ++decided;
          if (!f.elected_at) {
            r.passed = false;
            d << "master " << spec_.nodes[f.old_master].name << " lost at t=" << seconds_text(f.lost_at) << " was never replaced";
            break;
          }
          worst = std::max(worst, *f.elected_at - f.lost_at);
        }
        if (r.passed && decided == 0) {
          r.passed = false;
          r.evaluated = false;
          d << "master " << spec_.nodes[undecided->old_master].name << " lost at t=" << seconds_text(undecided->lost_at)
            << ", " << seconds_text(Time::epoch() + (end - undecided->lost_at)) << " before the end: too late to tell";
          break;
        }
        if (r.passed) {
          r.passed = worst <= e.value;
          d << "worst failover " << human(worst);
          if (!r.passed) d << ", over by " << human(worst - e.value);
        }
        break;
      }
    }
    r.detail = d.str();
    expects_.push_back(r);
  }
}

bool RunAnalysis::all_passed() const {
  return std::all_of(expects_.begin(), expects_.end(), [](const ExpectResult& r) { return r.passed; });
}

nlohmann::ordered_json RunAnalysis::results_json() const {
  nlohmann::ordered_json j;
  const auto null = nlohmann::ordered_json(nullptr);
  // Null in a run where no instant had a correct node up: nothing was measured.
  j["max_skew_ns"] = measured_ ? nlohmann::ordered_json(max_skew_ns_) : null;
  j["max_skew_at_ns"] = measured_ ? nlohmann::ordered_json(max_skew_at_.ns()) : null;
  j["max_skew_after_warmup_ns"] = checked_after_warmup_ ? nlohmann::ordered_json(max_skew_after_warmup_ns_) : null;
  j["warmup_ns"] = steady_from_ ? nlohmann::ordered_json((*steady_from_ - Time::epoch()).ns()) : null;
  j["warmup_rule"] = std::string(warmup_rule_);
  j["steady_skew_mean_ns"] = steady_stats_ ? nlohmann::ordered_json(std::llround(steady_stats_->mean_ns)) : null;
  j["steady_skew_p50_ns"] = steady_stats_ ? nlohmann::ordered_json(steady_stats_->p50_ns) : null;
  j["steady_skew_p99_ns"] = steady_stats_ ? nlohmann::ordered_json(steady_stats_->p99_ns) : null;
  j["bound_ns"] = last_bound_ns_ ? nlohmann::ordered_json(*last_bound_ns_) : nlohmann::ordered_json(nullptr);
  j["worst_skew_over_bound"] = max_bound_ratio_ppm_ >= 0
                                   ? nlohmann::ordered_json(static_cast<double>(max_bound_ratio_ppm_) * 1e-6)
                                   : nlohmann::ordered_json(nullptr);
  j["worst_skew_over_bound_at_ns"] =
      max_bound_ratio_ppm_ >= 0 ? nlohmann::ordered_json(max_bound_ratio_at_.ns()) : nlohmann::ordered_json(nullptr);
  j["bound_violations"] = bound_violations_;
  j["elections"] = elections_;
  nlohmann::ordered_json fos = nlohmann::ordered_json::array();
  for (const auto& f : failovers_) {
    nlohmann::ordered_json o;
    o["old_master"] = spec_.nodes[f.old_master].name;
    o["cause"] = f.partition ? "partition" : "crash";
    if (f.partition) {
      nlohmann::ordered_json side = nlohmann::ordered_json::array();
      for (NodeId n : f.side) side.push_back(spec_.nodes[n].name);
      o["side"] = side;
    }
    o["lost_at_ns"] = f.lost_at.ns();
    o["detection_time_ns"] = f.detected_at ? nlohmann::ordered_json((*f.detected_at - f.lost_at).ns()) : nlohmann::ordered_json(nullptr);
    o["election_time_ns"] = (f.detected_at && f.elected_at) ? nlohmann::ordered_json((*f.elected_at - *f.detected_at).ns()) : nlohmann::ordered_json(nullptr);
    o["failover_time_ns"] = f.elected_at ? nlohmann::ordered_json((*f.elected_at - f.lost_at).ns()) : nlohmann::ordered_json(nullptr);
    o["new_master"] = f.new_master != kNoNode ? nlohmann::ordered_json(spec_.nodes[f.new_master].name) : nlohmann::ordered_json(nullptr);
    o["elections_started"] = f.elections_started;
    o["messages_sent"] = f.elected_at ? nlohmann::ordered_json(f.messages_sent) : nlohmann::ordered_json(nullptr);
    o["messages_by_type"] = f.elected_at ? counts_json(f.sent_by_type) : nlohmann::ordered_json(nullptr);
    o["election_messages"] = f.election_messages();
    o["election_messages_by_type"] = counts_json(f.election_by_type);
    o["max_skew_during_ns"] = f.max_skew_during_ns;
    fos.push_back(o);
  }
  j["failovers"] = fos;
  j["masters_at_end"] = masters_at_end_;
  return j;
}

}  // namespace clocksim::sim
