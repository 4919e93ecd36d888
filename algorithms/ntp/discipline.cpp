#include "algorithms/ntp/discipline.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {

Discipline::Discipline(int minpoll, int maxpoll, double step_threshold_s, double stepout_s)
    : minpoll_(minpoll), maxpoll_(maxpoll), step_threshold_s_(step_threshold_s), stepout_s_(stepout_s),
      poll_(minpoll), jitter_(log2d(kPrecisionLog2)) {}

// rstclock (A.5.5.7): base_ remembers how much of the new offset was not yet the residual.
void Discipline::reset(DisciplineState state, std::int64_t now_ns, double offset_s) {
  state_ = state;
  base_ = offset_s - offset_;
  last_offset_ = offset_s;
  offset_ = offset_s;
  t_ns_ = now_ns;
}

DisciplineResult Discipline::update(double offset_s, std::int64_t now_ns) {
  DisciplineResult r;
  r.kind = DisciplineResult::Kind::kSlew;
  // The very first update may be any size (ntpd -g); later ones beyond PANICT are refused.
  if (std::fabs(offset_s) > kPanic && started_) {
    r.kind = DisciplineResult::Kind::kPanic;
    return r;
  }
  const double mu = started_ ? static_cast<double>(now_ns - t_ns_) * 1e-9 : 0;
  started_ = true;
  double freq = 0;
  const double old_freq = freq_;
  if (std::fabs(offset_s) > step_threshold_s_) {
    // A spike: believe it only once it has lasted the stepout interval (§11.3).
    switch (state_) {
      case DisciplineState::kSync:
        state_ = DisciplineState::kSpike;
        r.kind = DisciplineResult::Kind::kIgnore;
        return r;
      case DisciplineState::kFreq:
        if (mu < stepout_s_ || mu <= 0) {
          r.kind = DisciplineResult::Kind::kIgnore;
          return r;
        }
        freq = (offset_s - base_ - offset_) / mu;
        [[fallthrough]];
      case DisciplineState::kSpike:
        if (state_ == DisciplineState::kSpike && mu < stepout_s_) {
          r.kind = DisciplineResult::Kind::kIgnore;
          return r;
        }
        [[fallthrough]];
      default:
        r.kind = DisciplineResult::Kind::kStep;
        r.step_s = offset_s;
        count_ = 0;
        poll_ = minpoll_;
        offset_ = 0;  // the step removed all of it
        if (state_ == DisciplineState::kNset) {
          reset(DisciplineState::kFreq, now_ns, 0);
          return r;
        }
        reset(DisciplineState::kSync, now_ns, 0);
        break;
    }
  } else {
    // Clock jitter: exponentially weighted RMS of offset differences (feeds the poll adjust).
    const double etemp = jitter_ * jitter_;
    const double dtemp = std::max(std::fabs(offset_s - last_offset_), log2d(kPrecisionLog2));
    jitter_ = std::sqrt(etemp + (dtemp * dtemp - etemp) / kAvg);
    switch (state_) {
      case DisciplineState::kNset:
        // First update: slew it away and start measuring the frequency directly.
        offset_ = offset_s;
        reset(DisciplineState::kFreq, now_ns, offset_s);
        r.kind = DisciplineResult::Kind::kIgnore;
        return r;
      case DisciplineState::kFreq:
        if (mu < stepout_s_ || mu <= 0) {
          r.kind = DisciplineResult::Kind::kIgnore;
          return r;
        }
        // What is left of the first offset is offset_; the rest of today's offset is drift.
        freq = (offset_s - base_ - offset_) / mu;
        [[fallthrough]];
      default: {
        // FLL above half the Allan intercept, PLL always (A.5.5.6).
        if (log2d(poll_) > kAllan / 2) {
          const double gain = std::max<double>(kFll - poll_, kAvg);
          freq += (offset_s - offset_) / (std::max(mu, kAllan) * gain);
        }
        const double integration = std::min(mu, log2d(poll_));
        const double tc = 4 * kPll * log2d(poll_);
        freq += offset_s * integration / (tc * tc);
        reset(DisciplineState::kSync, now_ns, offset_s);
        break;
      }
    }
  }
  freq_ = std::clamp(freq_ + freq, -kMaxFrequency, kMaxFrequency);
  const double etemp = wander_ * wander_;
  wander_ = std::sqrt(etemp + (freq * freq - etemp) / kAvg);
  r.frequency_changed = freq_ != old_freq;
  if (r.kind == DisciplineResult::Kind::kSlew) adjust_poll();
  return r;
}

// Longer polls while the offset stays within a few jitters, shorter when it does not (A.5.5.6).
void Discipline::adjust_poll() {
  if (std::fabs(offset_) < kPollGate * jitter_) {
    count_ += poll_;
    if (count_ > kLimit) {
      count_ = kLimit;
      if (poll_ < maxpoll_) {
        count_ = 0;
        ++poll_;
      }
    }
  } else {
    count_ -= poll_ * 2;
    if (count_ < -kLimit) {
      count_ = -kLimit;
      if (poll_ > minpoll_) {
        count_ = 0;
        --poll_;
      }
    }
  }
}

double Discipline::second_tick() {
  // The residual phase decays with time constant PLL * poll (capped at the Allan intercept).
  const double step = offset_ / (kPll * std::min(log2d(poll_), kAllan));
  offset_ -= step;
  return step;
}

}  // namespace clocksim::ntp
