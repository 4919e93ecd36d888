#include "algorithms/berkeley/measurement.hpp"

#include <algorithm>

#include "algorithms/core/checked_math.hpp"

namespace clocksim::berkeley {

void OffsetEstimator::add(std::int64_t t1, std::int64_t t2, std::int64_t t3, std::int64_t t4) {
  // t2 and t3 come from the network: saturate rather than wrap (checked_math.hpp).
  const std::int64_t out = sat_sub(t2, t1);
  const std::int64_t in = sat_sub(t4, t3);
  const std::int64_t rtt = sat_add(out, in);  // = (t4 − t1) − (t3 − t2)
  if (samples_ == 0) {
    min_out_ = out;
    min_in_ = in;
    best_rtt_ = rtt;
    best_out_ = out;
    best_in_ = in;
  } else {
    min_out_ = std::min(min_out_, out);
    min_in_ = std::min(min_in_, in);
    if (rtt < best_rtt_) {  // strict: the first of equal round trips is kept
      best_rtt_ = rtt;
      best_out_ = out;
      best_in_ = in;
    }
  }
  ++samples_;
}

std::optional<std::int64_t> OffsetEstimator::delta() const {
  if (samples_ == 0) return std::nullopt;
  if (!compensate_) return sat_sub(0, min_in_);
  // Division truncates toward zero, like timed's integer arithmetic.
  if (method_ == MeasurementMethod::kCristian) return sat_sub(best_out_, best_in_) / 2;
  return sat_sub(min_out_, min_in_) / 2;
}

std::optional<std::int64_t> OffsetEstimator::min_rtt() const {
  if (samples_ == 0) return std::nullopt;
  return best_rtt_;
}

}  // namespace clocksim::berkeley
