// The clock discipline (RFC 5905 §11.3, A.5.5.6 local_clock and A.5.6.1 clock_adjust): a hybrid
// phase-locked / frequency-locked loop with a step/stepout state machine and the poll-interval
// hysteresis. It only computes; the caller turns its answers into Effects (step, slew,
// set_rate_correction_ppm).
#pragma once

#include <cstdint>

namespace clocksim::ntp {

enum class DisciplineState : std::uint8_t { kNset, kFset, kSpike, kFreq, kSync };

struct DisciplineResult {
  enum class Kind : std::uint8_t { kIgnore, kSlew, kStep, kPanic } kind = Kind::kIgnore;
  double step_s = 0;           // kStep: the step to apply now
  bool frequency_changed = false;
};

class Discipline {
 public:
  Discipline(int minpoll, int maxpoll, double step_threshold_s, double stepout_s);

  // One combined offset measured at local time now (A.5.5.6).
  DisciplineResult update(double offset_s, std::int64_t now_ns);
  // Once per second (A.5.6.1): the part of the residual phase to slew away in the next second.
  double second_tick();

  double frequency_s_per_s() const { return freq_; }  // positive: the clock must run faster
  int poll() const { return poll_; }
  double jitter_s() const { return jitter_; }
  double residual_offset_s() const { return offset_; }
  DisciplineState state() const { return state_; }

 private:
  void reset(DisciplineState state, std::int64_t now_ns, double offset_s);
  void adjust_poll();

  int minpoll_, maxpoll_;
  double step_threshold_s_, stepout_s_;
  DisciplineState state_ = DisciplineState::kNset;
  int poll_;
  int count_ = 0;           // poll-adjust hysteresis counter
  double offset_ = 0;       // residual phase still to be slewed
  double last_offset_ = 0;  // the offset of the last update
  double base_ = 0;         // FREQ state: offset at the start of the measurement
  double freq_ = 0;
  double jitter_;
  double wander_ = 0;
  std::int64_t t_ns_ = 0;   // local time of the last update
  bool started_ = false;
};

}  // namespace clocksim::ntp
