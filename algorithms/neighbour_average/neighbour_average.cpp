#include "algorithms/neighbour_average/neighbour_average.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "algorithms/ftavg/clock_reading.hpp"
#include "algorithms/ftavg/welch_lynch.hpp"

namespace clocksim::neighbour_average {

namespace {
constexpr double kS = 1e9;

ParamSpec duration_param(std::string name, Duration def, std::string doc, double min_ns, double max_ns) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kDuration;
  p.default_value = def;
  p.doc = std::move(doc);
  p.min = min_ns;
  p.max = max_ns;
  return p;
}
}  // namespace

std::vector<ParamSpec> neighbour_average_params() {
  const NeighbourAverageConfig d;
  return {
      duration_param("period", d.period, "time between rounds, on the node's own clock", 1e-3 * kS, 1e7 * kS),
      duration_param("read_window", d.read_window,
                     "replies are awaited this long after asking, then the clock moves to the average; must "
                     "exceed the longest round trip to a neighbour",
                     1e-6 * kS, 1e6 * kS),
      duration_param("step_threshold", d.step_threshold,
                     "corrections at least this large are stepped, smaller ones slewed (0: always step)", 0, 1e7 * kS),
  };
}

NeighbourAverageConfig neighbour_average_config(const ParamSet& p) {
  NeighbourAverageConfig c;
  c.period = p.get_duration("period");
  c.read_window = p.get_duration("read_window");
  c.step_threshold = p.get_duration("step_threshold");
  return c;
}

NeighbourAverage::NeighbourAverage(Membership membership, std::vector<NodeId> neighbours, NeighbourAverageConfig config)
    : self_(membership.self), neighbours_(std::move(neighbours)), config_(config) {
  if (neighbours_.empty() && membership.members) {
    for (NodeId id : *membership.members) {
      if (id != self_) neighbours_.push_back(id);
    }
  }
  std::sort(neighbours_.begin(), neighbours_.end());
  neighbours_.erase(std::unique(neighbours_.begin(), neighbours_.end()), neighbours_.end());
  std::erase(neighbours_, self_);
  estimates_.assign(neighbours_.size(), std::nullopt);
}

void NeighbourAverage::on_start(LocalTime /*now*/, Effects& out) {
  if (started_) return;
  started_ = true;
  out.set_timer(kRoundTimer, config_.period);
}

void NeighbourAverage::start_round(LocalTime now, Effects& out) {
  ++round_;
  reading_ = true;
  asked_at_ns_ = now.ns();
  std::fill(estimates_.begin(), estimates_.end(), std::nullopt);
  const Message m = ftavg::clock_reading_request(round_, now);
  for (NodeId n : neighbours_) out.send(n, m);
  out.set_timer(kApplyTimer, config_.read_window);
}

std::optional<std::size_t> NeighbourAverage::neighbour_index(NodeId id) const {
  const auto it = std::lower_bound(neighbours_.begin(), neighbours_.end(), id);
  if (it == neighbours_.end() || *it != id) return std::nullopt;
  return static_cast<std::size_t>(it - neighbours_.begin());
}

void NeighbourAverage::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (msg.type == MsgType::kTimeRequest) {
    // Anyone may read our clock: the asker decides whom it averages with.
    out.send(from, ftavg::clock_reading_reply(msg, now));
    return;
  }
  if (msg.type != MsgType::kTimeReply) return;
  // A reply counts once, from a neighbour we asked, in the round that asked (it echoes our t1).
  const auto index = neighbour_index(from);
  if (!reading_ || !index || msg.term != round_ || msg.t1_ns != asked_at_ns_ || estimates_[*index]) {
    out.note(Note(NoteWhat::kFtReplyDiscarded).with_round(msg.term).with_peer(from));
    return;
  }
  const auto estimate = ftavg::peer_offset_estimate_ns(msg.t1_ns, msg.t3_ns, now.ns());
  if (!estimate) {
    out.note(Note(NoteWhat::kFtReadingOverflows).with_peer(from));
    return;
  }
  estimates_[*index] = *estimate;
}

void NeighbourAverage::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (id == kRoundTimer) {
    start_round(now, out);
    out.set_timer(kRoundTimer, config_.period);
  } else if (id == kApplyTimer && reading_) {
    apply(out);
  }
}

void NeighbourAverage::apply(Effects& out) {
  reading_ = false;
  std::vector<std::int64_t> values{0};  // our own clock, read without error
  for (const auto& e : estimates_) {
    if (e) values.push_back(*e);
  }
  const std::size_t heard = values.size() - 1;
  if (heard == 0) {
    out.note(Note(NoteWhat::kNoNeighbourAnswered).with_round(round_));
    return;
  }
  // The mean without overflow, whatever the readings (a hostile one cannot wrap it).
  const std::int64_t correction = *ftavg::fault_tolerant_combine(values, 0, ftavg::Combine::kMean);
  last_correction_ = correction;
  if (correction != 0) {
    // What each neighbour read: the clock guard weighs a large start-up correction against them.
    out.consulted(static_cast<std::uint32_t>(neighbours_.size()));
    for (std::size_t i = 0; i < neighbours_.size(); ++i) {
      if (estimates_[i]) out.witness(neighbours_[i], Duration::from_ns(*estimates_[i]));
    }
    const bool step = std::llabs(correction) >= config_.step_threshold.ns();
    out.adjust_clock(Duration::from_ns(correction), step ? AdjustMode::kStep : AdjustMode::kSlew);
  }
  out.note(Note(NoteWhat::kNeighbourRoundComplete)
               .with_round(round_)
               .with_count(heard, neighbours_.size())
               .with_value_ns(correction));
}

}  // namespace clocksim::neighbour_average
