#include "algorithms/ntp/ntp.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "algorithms/ntp/ntp_message.hpp"
#include "algorithms/ntp/on_wire.hpp"
#include "algorithms/ntp/selection.hpp"

namespace clocksim::ntp {

namespace {
TimerId poll_timer(std::size_t k) {
  return TimerSpace::make(kSyncTimerPart, kNtpPollTimerBase + static_cast<std::uint32_t>(k));
}
std::int64_t seconds_to_ns(double s) { return std::llround(s * 1e9); }
}  // namespace

Ntp::Ntp(Membership membership, NtpConfig config, NtpHost host, std::uint64_t seed)
    : membership_(std::move(membership)),
      config_(config),
      host_(std::move(host)),
      rng_(derive_seed(seed, "ntp")),
      discipline_(static_cast<int>(config.minpoll), static_cast<int>(config.maxpoll), config.step_threshold.seconds(),
                  config.stepout.seconds()) {}

void Ntp::on_start(LocalTime /*now*/, Effects& out) {
  // The discipline starts in NSET and measures the frequency from scratch (no drift file), so the
  // clock must run uncorrected: a correction left by a previous incarnation would be measured as
  // zero error and then replaced by that zero.
  out.set_rate_correction_ppm(0);
  out.set_timer(kNtpAdjustTimer, Duration::from_ns(1'000'000'000));
  // The associations follow when the election says who leads (Stack::propagate).
}

void Ntp::lead(LocalTime now, Effects& out) { follow(membership_.self, now, out); }

void Ntp::follow(NodeId master, LocalTime now, Effects& out) {
  std::vector<NodeId> servers = host_.servers;
  if (servers.empty() && !host_.reference_clock && master != kNoNode && master != membership_.self) {
    servers.push_back(master);
  }
  configure(std::move(servers), host_.reference_clock, now, out);
}

bool Ntp::serves_locally() const { return config_.local_stratum > 0; }

void Ntp::configure(std::vector<NodeId> servers, bool reference, LocalTime now, Effects& out) {
  for (std::size_t k = 0; k < assocs_.size(); ++k) out.cancel_timer(poll_timer(k));
  assocs_.clear();
  system_peer_ = kNoNode;
  first_selectable_ns_.reset();
  if (reference) {
    Association a;
    a.reference = true;
    a.filter.clear(now.ns());
    assocs_.push_back(a);
  }
  for (NodeId s : servers) {
    if (s == membership_.self) continue;
    if (std::any_of(assocs_.begin(), assocs_.end(), [s](const Association& a) { return a.server == s; })) continue;
    Association a;
    a.server = s;
    a.filter.clear(now.ns());
    assocs_.push_back(a);
  }
  if (assocs_.empty() && serves_locally()) {
    // chrony's `local stratum`: this node's own clock is the reference it serves.
    leap_ = Leap::kNone;
    stratum_ = static_cast<int>(config_.local_stratum);
    reference_id_ = kNoNode;
    root_delay_s_ = 0;
    root_dispersion_s_ = 0;
    updated_ns_ = now.ns();
  } else if (!have_update_) {
    leap_ = Leap::kNotSynchronized;
    stratum_ = kMaxStratum;
    updated_ns_.reset();  // the local clock it served so far is no reference any more
  }
  for (std::size_t k = 0; k < assocs_.size(); ++k) {
    if (config_.iburst && !assocs_[k].reference) assocs_[k].burst = kBurstCount;
    // A seeded phase within the first second: a cluster started together does not poll in step.
    arm_poll(k, Duration::from_ns(static_cast<std::int64_t>(rng_() % 1'000'000'000ULL)), out);
  }
}

Role Ntp::role() const {
  if (host_.reference_clock || (assocs_.empty() && serves_locally())) return Role::kServer;
  return assocs_.empty() ? Role::kNone : Role::kClient;
}

// Grows at PHI from the last update, up to MAXDISP (A.5.1's ceiling for any dispersion); a clock
// never updated is as uncertain as it gets, not PHI times the age of the time scale's origin.
double Ntp::root_dispersion_s(LocalTime now) const {
  if (assocs_.empty() && serves_locally()) return 0;
  if (!updated_ns_) return kMaxDispersion;
  return std::min(kMaxDispersion, root_dispersion_s_ + kPhi * static_cast<double>(now.ns() - *updated_ns_) * 1e-9);
}

std::optional<std::int64_t> Ntp::reference_time_ns(LocalTime now) const {
  if (assocs_.empty() && serves_locally()) return now.ns();  // its own clock is its reference
  return updated_ns_;
}

Duration Ntp::poll_interval(const Association&) const {
  const int p = std::clamp<int>(discipline_.poll(), static_cast<int>(config_.minpoll), static_cast<int>(config_.maxpoll));
  return Duration::from_seconds(log2d(p));
}

void Ntp::arm_poll(std::size_t k, Duration after, Effects& out) { out.set_timer(poll_timer(k), after); }

// The poll process (§13, A.5.7): shift the reach register, age an unreachable server, send.
void Ntp::poll(std::size_t k, LocalTime now, Effects& out) {
  Association& a = assocs_[k];
  Duration next = poll_interval(a);
  if (a.burst > 0) {
    --a.burst;
    if (a.burst > 0) next = Duration::from_seconds(kBurstInterval);
  } else {
    a.reach = static_cast<std::uint8_t>(a.reach << 1);
    if ((a.reach & 0x7) == 0 && a.filter.valid_stages() > 0) {
      // Three polls unanswered: a dummy sample of maximum dispersion pushes the old ones out.
      Sample dummy;
      dummy.dispersion_s = kMaxDispersion;
      a.filter.add(dummy, now.ns(), false);
    }
    if (a.reach == 0 && config_.iburst && !a.reference) {
      a.burst = kBurstCount - 1;
      next = Duration::from_seconds(kBurstInterval);
    }
  }
  if (a.reference) {
    out.read_reference_clock();
  } else {
    Message m = make_message(MsgType::kNtpRequest, static_cast<std::uint32_t>(rng_()));
    m.t1_ns = now.ns();
    a.outstanding_xmt_ns = now.ns();
    out.send(a.server, m);
  }
  // Polls are spread by up to 1/32 of the interval (a seeded draw), as real servers see them.
  const std::int64_t spread = next.ns() / 32;
  if (spread > 0) next -= Duration::from_ns(static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(spread)));
  arm_poll(k, next, out);
}

void Ntp::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (id == kNtpAdjustTimer) {
    // A.5.6.1: once a second, slew away part of the residual phase.
    const double step_s = discipline_.second_tick();
    const std::int64_t step_ns = seconds_to_ns(step_s);
    if (step_ns != 0) out.adjust_clock(Duration::from_ns(step_ns), AdjustMode::kSlew);
    out.set_timer(kNtpAdjustTimer, Duration::from_ns(1'000'000'000));
    return;
  }
  const std::uint32_t local = TimerSpace::local(id);
  if (TimerSpace::part(id) != kSyncTimerPart || local < kNtpPollTimerBase) return;
  const std::size_t k = local - kNtpPollTimerBase;
  if (k < assocs_.size()) poll(k, now, out);
}

void Ntp::serve(LocalTime now, NodeId from, const Message& request, Effects& out) const {
  Message r = make_message(MsgType::kNtpReply, request.seq);
  r.t1_ns = request.t1_ns;  // origin: the client matches the reply to its request by it
  r.t2_ns = now.ns();
  r.t3_ns = now.ns();
  ReplyHeader h;
  h.leap = leap_;
  h.stratum = leap_ == Leap::kNotSynchronized ? kMaxStratum : stratum_;
  h.poll = discipline_.poll();
  h.reference_id = reference_id_;
  h.root_delay_ns = seconds_to_ns(root_delay_s_);
  h.root_dispersion_ns = seconds_to_ns(root_dispersion_s(now));
  if (const auto ref = reference_time_ns(now)) {
    const std::int64_t age_ms = std::max<std::int64_t>(0, now.ns() - *ref) / 1'000'000;
    h.reference_age_ms = static_cast<std::uint32_t>(std::min<std::int64_t>(age_ms, kReferenceAgeMaxMs));
  }
  put_header(r, h);
  out.send(from, r);
}

void Ntp::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (msg.type == MsgType::kNtpRequest) {
    serve(now, from, msg, out);
  } else if (msg.type == MsgType::kNtpReply) {
    receive_reply(now, from, msg, out);
  }
}

void Ntp::receive_reply(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  auto it = std::find_if(assocs_.begin(), assocs_.end(), [from](const Association& a) { return a.server == from && !a.reference; });
  // §8: a reply must echo our last request's transmit time, once; anything else is bogus, a
  // duplicate or a replay.
  if (it == assocs_.end() || !it->outstanding_xmt_ns || *it->outstanding_xmt_ns != msg.t1_ns) {
    out.note(Note(NoteWhat::kNtpUnmatchedReply).with_peer(from));
    return;
  }
  Association& a = *it;
  a.outstanding_xmt_ns.reset();
  a.reach = static_cast<std::uint8_t>(a.reach | 1);
  const ReplyHeader h = get_header(msg);
  // A server synchronized to this node is unfit (fit()); noted when it becomes so, not per reply.
  if (h.reference_id == membership_.self && a.reference_id != membership_.self) {
    out.note(Note(NoteWhat::kNtpLoop).with_peer(from));
  }
  a.leap = h.leap;
  a.stratum = h.stratum;
  a.reference_id = h.reference_id;
  a.root_delay_s = static_cast<double>(h.root_delay_ns) * 1e-9;
  a.root_dispersion_s = static_cast<double>(h.root_dispersion_ns) * 1e-9;
  // An unsynchronized server (or a kiss-o'-death, stratum 0) gives no sample.
  if (h.leap == Leap::kNotSynchronized || h.stratum == 0 || h.stratum >= kMaxStratum) return;
  if (a.burst > 0 && a.reach != 0 && a.filter.valid_stages() >= kStages / 2) a.burst = 0;
  add_sample(static_cast<std::size_t>(it - assocs_.begin()), exchange_sample(msg.t1_ns, msg.t2_ns, msg.t3_ns, now.ns()),
             now, out);
}

void Ntp::on_reference(LocalTime now, const ReferenceReading& reading, Effects& out) {
  auto it = std::find_if(assocs_.begin(), assocs_.end(), [](const Association& a) { return a.reference; });
  if (it == assocs_.end()) return;
  it->reach = static_cast<std::uint8_t>(it->reach | 1);
  it->leap = Leap::kNone;
  it->stratum = 0;
  it->reference_id = kNoNode;
  Sample s;
  s.offset_s = static_cast<double>(reading.reference_ns - reading.local.ns()) * 1e-9;
  s.delay_s = log2d(kPrecisionLog2);
  s.dispersion_s = log2d(kPrecisionLog2) + config_.reference_dispersion.seconds() +
                   static_cast<double>(reading.dispersion_ns) * 1e-9;
  add_sample(static_cast<std::size_t>(it - assocs_.begin()), s, now, out);
}

void Ntp::add_sample(std::size_t k, const Sample& s, LocalTime now, Effects& out) {
  const FilterOutput f = assocs_[k].filter.add(s, now.ns(), leap_ == Leap::kNotSynchronized);
  if (f.fresh) select_and_update(now, out);
}

double Ntp::root_distance(const Association& a, LocalTime now) const {
  const FilterOutput& f = a.filter.last();
  return std::max(kMinDispersion, a.root_delay_s + f.delay_s) / 2 + a.root_dispersion_s + f.dispersion_s +
         kPhi * static_cast<double>(now.ns() - f.t_ns) * 1e-9 + f.jitter_s;
}

// A.5.2 fit(): synchronized, below MAXSTRAT, close enough, reachable, not a loop through us. A
// server names its system peer as its reference id (RFC 5905: its address; the daemon's NTP port
// turns a reference id equal to this node's own address into membership_.self). The RFC's second
// test, a server whose reference id is our own system peer's, is left out, as ntpd leaves it out:
// it would refuse every server that shares our upstream, the usual redundant setup.
bool Ntp::fit(const Association& a, LocalTime now) const {
  if (a.leap == Leap::kNotSynchronized || a.stratum >= kMaxStratum) return false;
  if (a.reach == 0 || a.filter.valid_stages() == 0) return false;
  if (root_distance(a, now) > kMaxDistance + kPhi * log2d(discipline_.poll())) return false;
  return a.reference || a.reference_id != membership_.self;
}

void Ntp::clear_filters(LocalTime now) {
  for (auto& a : assocs_) {
    a.filter.clear(now.ns());
    a.outstanding_xmt_ns.reset();  // its origin was read on the old time scale
  }
}

// Before the first clock update the servers answer in whatever order the network brings them;
// selecting on the first to answer would follow it alone, falseticker or not, and the first update
// steps the clock as far as it says. So once one server is selectable, the update waits (at most
// startup_wait) for the rest, and the intersection then outvotes a liar. Every later update
// already has the others' samples in their filters.
bool Ntp::waits_for_more_servers(std::size_t selectable, LocalTime now, Effects& out) {
  // The discipline leaves NSET on the first offset it is handed, stepped or not: that is the update
  // the wait is for.
  if (discipline_.state() != DisciplineState::kNset || config_.startup_wait <= Duration::zero() || selectable == 0 ||
      selectable >= assocs_.size()) {
    return false;
  }
  if (!first_selectable_ns_) {
    first_selectable_ns_ = now.ns();
    out.note(Note(NoteWhat::kNtpStartupWait).with_count(selectable, assocs_.size()).with_value(config_.startup_wait));
  }
  return now.ns() - *first_selectable_ns_ < config_.startup_wait.ns();
}

// §11.2.1-§11.2.3 and the clock update (A.5.5.1-A.5.5.4).
void Ntp::select_and_update(LocalTime now, Effects& out) {
  std::vector<Candidate> candidates;
  for (std::size_t k = 0; k < assocs_.size(); ++k) {
    const Association& a = assocs_[k];
    if (!fit(a, now)) continue;
    const FilterOutput& f = a.filter.last();
    candidates.push_back({k, f.offset_s, root_distance(a, now), f.jitter_s, a.stratum});
  }
  if (waits_for_more_servers(candidates.size(), now, out)) return;
  const std::vector<Candidate> truechimers = intersect(candidates);
  if (truechimers.empty()) {
    if (candidates.size() > 1) out.note(Note(NoteWhat::kNtpNoMajority));
    return;
  }
  for (const auto& c : candidates) {
    const bool kept = std::any_of(truechimers.begin(), truechimers.end(), [&c](const Candidate& t) { return t.index == c.index; });
    if (!kept) {
      const Association& a = assocs_[c.index];
      out.note(Note(NoteWhat::kNtpFalseticker)
                   .with_peer(a.reference ? kNoNode : a.server)
                   .with_value_ns(seconds_to_ns(c.offset_s)));
    }
  }
  // One server alone can be a falseticker no one outvotes: with minsane above 1 the clock holds
  // over instead. Noted when the shortage begins, not at every reply.
  const std::size_t sane_needed = std::min(static_cast<std::size_t>(config_.minsane), assocs_.size());
  if (truechimers.size() < sane_needed) {
    if (!too_few_sane_) out.note(Note(NoteWhat::kNtpTooFewSane).with_count(truechimers.size(), sane_needed));
    too_few_sane_ = true;
    return;
  }
  too_few_sane_ = false;
  double selection_jitter_s = 0;
  const std::vector<Candidate> survivors = cluster(truechimers, selection_jitter_s);
  const Candidate& best = survivors.front();
  const Association& peer = assocs_[best.index];
  const FilterOutput& pf = peer.filter.last();
  // Use each of the system peer's samples once (A.5.5.3).
  if (pf.t_ns <= last_sample_ns_) return;
  last_sample_ns_ = pf.t_ns;
  const Combined combined = combine(survivors);
  system_offset_s_ = combined.offset_s;
  system_jitter_s_ = std::sqrt(selection_jitter_s * selection_jitter_s + combined.jitter_s * combined.jitter_s);

  const DisciplineResult r = discipline_.update(combined.offset_s, now.ns());
  switch (r.kind) {
    case DisciplineResult::Kind::kPanic:
      out.note(Note(NoteWhat::kNtpPanic).with_value_ns(seconds_to_ns(combined.offset_s)));
      return;
    case DisciplineResult::Kind::kIgnore:
      return;
    case DisciplineResult::Kind::kStep:
      // What each fit server (and the reference clock, kNoNode) read: the clock guard weighs a
      // large start-up step against them.
      out.consulted(static_cast<std::uint32_t>(assocs_.size()));
      for (const Candidate& c : candidates) {
        const Association& a = assocs_[c.index];
        out.witness(a.reference ? kNoNode : a.server, Duration::from_ns(seconds_to_ns(c.offset_s)));
      }
      out.adjust_clock(Duration::from_ns(seconds_to_ns(r.step_s)), AdjustMode::kStep);
      clear_filters(now);
      have_update_ = true;
      leap_ = Leap::kNotSynchronized;
      stratum_ = kMaxStratum;
      updated_ns_.reset();
      out.note(Note(NoteWhat::kNtpStepped).with_value_ns(seconds_to_ns(r.step_s)));
      return;
    case DisciplineResult::Kind::kSlew: break;
  }
  if (r.frequency_changed) out.set_rate_correction_ppm(discipline_.frequency_s_per_s() * 1e6);
  const bool was_synchronized = leap_ != Leap::kNotSynchronized;
  const NodeId new_peer = peer.reference ? membership_.self : peer.server;
  have_update_ = true;
  updated_ns_ = now.ns();
  leap_ = peer.leap == Leap::kNotSynchronized ? Leap::kNone : peer.leap;
  stratum_ = peer.stratum + 1;
  reference_id_ = peer.reference ? kNoNode : peer.server;
  root_delay_s_ = peer.root_delay_s + pf.delay_s;
  const double jitter = std::sqrt(pf.jitter_s * pf.jitter_s + system_jitter_s_ * system_jitter_s_);
  root_dispersion_s_ = peer.root_dispersion_s +
                       std::max(kMinDispersion, pf.dispersion_s + jitter + std::fabs(pf.offset_s));
  if (!was_synchronized || new_peer != system_peer_) {
    out.note(Note(NoteWhat::kNtpSynchronized)
                 .with_peer(peer.reference ? kNoNode : peer.server)
                 .with_count(static_cast<std::uint64_t>(stratum_))
                 .with_value_ns(seconds_to_ns(combined.offset_s)));
  }
  system_peer_ = new_peer;
}

}  // namespace clocksim::ntp
