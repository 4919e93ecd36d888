#include "algorithms/cristian/cristian.hpp"

#include <algorithm>
#include <string>

#include "algorithms/core/checked_math.hpp"
#include "algorithms/core/rng.hpp"

namespace clocksim::cristian {

namespace {
constexpr double kS = 1e9;
}  // namespace

std::vector<ParamSpec> cristian_params() {
  const CristianConfig d;
  return {
      param_spec("period", ParamType::kDuration, d.period, "time between a client's probe series", 1e-3 * kS, 1e7 * kS),
      param_spec("probes", ParamType::kInt, d.probes,
                 "requests per series; the one with the smallest round trip is used", 1, 1000),
      param_spec("probe_timeout", ParamType::kDuration, d.probe_timeout,
                 "wait for one reply before the next request", 1e-6 * kS, 60 * kS),
      param_spec("step_threshold", ParamType::kDuration, d.step_threshold,
                 "corrections at least this large are stepped, smaller ones slewed", 0, 1e7 * kS),
      param_spec("min_delay", ParamType::kDuration, d.min_delay,
                 "known minimum one-way delay, used for the error bound rtt/2 - min_delay", 0, 60 * kS),
  };
}

CristianConfig cristian_config(const ParamSet& p) {
  CristianConfig c;
  c.period = p.get_duration("period");
  c.probes = p.get_int("probes");
  c.probe_timeout = p.get_duration("probe_timeout");
  c.step_threshold = p.get_duration("step_threshold");
  c.min_delay = p.get_duration("min_delay");
  return c;
}

CristianSample cristian_sample(std::int64_t t1, std::int64_t t2, std::int64_t t3, std::int64_t t4,
                               std::int64_t min_delay_ns) {
  CristianSample s;
  // t2 and t3 come from the network: saturate rather than wrap (checked_math.hpp).
  s.rtt_ns = sat_sub(sat_sub(t4, t1), sat_sub(t3, t2));
  // The server read t3; the reply took between min and rtt − min: take the midpoint.
  s.correction_ns = sat_sub(sat_add(t3, s.rtt_ns / 2), t4);
  s.error_bound_ns = std::max<std::int64_t>(0, s.rtt_ns / 2 - min_delay_ns);
  return s;
}

Cristian::Cristian(Membership membership, CristianConfig config, std::uint64_t seed)
    : membership_(std::move(membership)), config_(config) {
  Rng rng(derive_seed(seed, "cristian.seq"));
  seq_ = static_cast<std::uint32_t>(rng());
}

// Nothing to do until the election says who serves (Stack::propagate calls lead or follow).
void Cristian::on_start(LocalTime /*now*/, Effects& /*out*/) {}

void Cristian::lead(LocalTime, Effects& out) {
  role_ = Role::kServer;
  server_ = membership_.self;
  in_series_ = false;
  out.cancel_timer(kCristianRoundTimer);
  out.cancel_timer(kCristianProbeTimer);
}

void Cristian::follow(NodeId master, LocalTime now, Effects& out) {
  role_ = Role::kClient;
  server_ = master;
  in_series_ = false;
  out.cancel_timer(kCristianProbeTimer);
  if (master == kNoNode) {
    out.cancel_timer(kCristianRoundTimer);
  } else {
    start_series(now, out);
  }
}

void Cristian::start_series(LocalTime now, Effects& out) {
  in_series_ = true;
  sent_ = 0;
  best_.reset();
  send_probe(now, out);
  out.set_timer(kCristianRoundTimer, config_.period);
}

void Cristian::send_probe(LocalTime now, Effects& out) {
  Message m = make_message(MsgType::kTimeRequest, seq_++);
  m.t1_ns = now.ns();
  outstanding_seq_ = m.seq;
  outstanding_t1_ = now.ns();
  awaiting_ = true;
  ++sent_;
  out.send(server_, m);
  out.set_timer(kCristianProbeTimer, config_.probe_timeout);
}

void Cristian::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (msg.type == MsgType::kTimeRequest) {
    Message r = make_message(MsgType::kTimeReply, msg.seq);
    r.t1_ns = msg.t1_ns;
    r.t2_ns = now.ns();
    r.t3_ns = now.ns();
    if (role_ == Role::kServer) r.flags |= kReplyFromServer;
    out.send(from, r);
    return;
  }
  if (msg.type != MsgType::kTimeReply) return;
  if (role_ != Role::kClient || !in_series_ || !awaiting_ || from != server_ || msg.seq != outstanding_seq_) {
    out.note(Note(NoteWhat::kReplyDiscarded).with_seq(msg.seq).with_peer(from));
    return;
  }
  awaiting_ = false;  // consumed: a duplicate no longer matches
  const CristianSample s = cristian_sample(outstanding_t1_, msg.t2_ns, msg.t3_ns, now.ns(), config_.min_delay.ns());
  if (!best_ || s.rtt_ns < best_->rtt_ns) best_ = s;
  out.cancel_timer(kCristianProbeTimer);
  if (sent_ < config_.probes) {
    send_probe(now, out);
  } else {
    finish_series(out);
  }
}

void Cristian::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (role_ != Role::kClient) return;
  if (id == kCristianRoundTimer) {
    if (in_series_) finish_series(out);  // a series longer than the period ends here
    start_series(now, out);
  } else if (id == kCristianProbeTimer && in_series_) {
    if (sent_ < config_.probes) {
      send_probe(now, out);
    } else {
      finish_series(out);
    }
  }
}

void Cristian::finish_series(Effects& out) {
  in_series_ = false;
  out.cancel_timer(kCristianProbeTimer);
  if (!best_) {
    out.note(Note(NoteWhat::kServerSilent).with_peer(server_));
    return;
  }
  const CristianSample s = *best_;
  last_ = s;
  if (s.correction_ns != 0) {
    // One source: the server (the clock guard trusts a lone source at start-up unless told not to).
    out.consulted(1);
    out.witness(server_, Duration::from_ns(s.correction_ns));
    const bool step = abs_at_least(s.correction_ns, config_.step_threshold.ns());
    out.adjust_clock(Duration::from_ns(s.correction_ns), step ? AdjustMode::kStep : AdjustMode::kSlew);
  }
  Note& corrected = out.add_note(NoteWhat::kCorrected);
  corrected.with_peer(server_).with_value_ns(s.correction_ns);
  corrected.rtt_ns = s.rtt_ns;
  corrected.error_ns = s.error_bound_ns;
}

}  // namespace clocksim::cristian
