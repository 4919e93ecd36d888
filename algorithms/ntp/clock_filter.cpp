#include "algorithms/ntp/clock_filter.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {

void ClockFilter::clear(std::int64_t now_ns) {
  for (auto& st : stages_) st = FilterStage{now_ns, 0, kMaxDispersion, kMaxDispersion};
  updated_ns_ = now_ns;
  used_ns_ = now_ns;
  used_any_ = false;
  last_ = FilterOutput{};
  last_.dispersion_s = kMaxDispersion;
}

int ClockFilter::valid_stages() const {
  int m = 0;
  for (const auto& st : stages_) m += st.dispersion_s < kMaxDispersion ? 1 : 0;
  return m;
}

FilterOutput ClockFilter::add(const Sample& s, std::int64_t now_ns, bool any_time) {
  // Older stages age: their dispersion grows at PHI since the last shift.
  const double aged_s = kPhi * static_cast<double>(now_ns - updated_ns_) * 1e-9;
  updated_ns_ = now_ns;
  for (int i = kStages - 1; i > 0; --i) {
    stages_[i] = stages_[i - 1];
    stages_[i].dispersion_s = std::min(stages_[i].dispersion_s + aged_s, kMaxDispersion);
  }
  stages_[0] = FilterStage{now_ns, s.offset_s, s.delay_s, std::min(s.dispersion_s, kMaxDispersion)};

  // Sort a copy by delay (ties by age, newest first, as stage order already is).
  std::array<FilterStage, kStages> f = stages_;
  std::stable_sort(f.begin(), f.end(), [](const FilterStage& a, const FilterStage& b) {
    const bool va = a.dispersion_s < kMaxDispersion, vb = b.dispersion_s < kMaxDispersion;
    if (va != vb) return va;  // empty stages last
    return a.delay_s < b.delay_s;
  });
  const int m = valid_stages();
  FilterOutput out;
  // Peer dispersion: sum of stage dispersions weighted 1/2, 1/4, ... in delay order (§10).
  double dispersion = 0;
  double jitter = 0;
  for (int i = kStages - 1; i >= 0; --i) {
    dispersion = 0.5 * (dispersion + f[i].dispersion_s);
    if (i < m) jitter += (f[i].offset_s - f[0].offset_s) * (f[i].offset_s - f[0].offset_s);
  }
  if (m == 0) {
    last_ = out;
    last_.dispersion_s = kMaxDispersion;
    return last_;
  }
  out.offset_s = f[0].offset_s;
  out.delay_s = f[0].delay_s;
  out.dispersion_s = dispersion;
  if (m > 1) jitter /= m - 1;
  out.jitter_s = std::max(std::sqrt(jitter), log2d(kPrecisionLog2));
  out.t_ns = f[0].t_ns;
  // A sample is used only once, and never one older than the last used (§10's prime directive).
  out.fresh = any_time || !used_any_ || f[0].t_ns > used_ns_;
  if (out.fresh) {
    used_ns_ = f[0].t_ns;
    used_any_ = true;
  }
  last_ = out;
  return out;
}

}  // namespace clocksim::ntp
