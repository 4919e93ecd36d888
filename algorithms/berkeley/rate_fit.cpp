#include "algorithms/berkeley/rate_fit.hpp"

#include <Eigen/Dense>

namespace clocksim::berkeley {

std::optional<double> least_squares_slope(std::span<const std::pair<double, double>> points) {
  if (points.size() < 2) return std::nullopt;
  // Centre x for conditioning: times are large, spans small.
  double x0 = 0;
  for (const auto& p : points) x0 += p.first;
  x0 /= static_cast<double>(points.size());
  Eigen::MatrixXd a(static_cast<Eigen::Index>(points.size()), 2);
  Eigen::VectorXd b(static_cast<Eigen::Index>(points.size()));
  double spread = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    a(row, 0) = 1.0;
    a(row, 1) = points[i].first - x0;
    b(row) = points[i].second;
    spread += a(row, 1) * a(row, 1);
  }
  if (spread == 0) return std::nullopt;
  const Eigen::Vector2d coef = a.colPivHouseholderQr().solve(b);
  return coef(1);
}

double RateTracker::rate_integral_ns(std::int64_t t_ns) const {
  return integral_ns_ + rate_ppb_ * 1e-9 * static_cast<double>(t_ns - rate_since_ns_);
}

void RateTracker::add_measurement(std::int64_t t_ns, std::int64_t delta_ns) {
  const double x = static_cast<double>(delta_ns) - phase_ns_ - rate_integral_ns(t_ns);
  history_.emplace_back(static_cast<double>(t_ns) * 1e-9, x);
  while (history_.size() > window_) history_.pop_front();
}

void RateTracker::set_rate(std::int64_t t_ns, double ppb) {
  integral_ns_ = rate_integral_ns(t_ns);
  rate_since_ns_ = t_ns;
  rate_ppb_ = ppb;
}

void RateTracker::reset() {
  history_.clear();
  phase_ns_ = 0;
  integral_ns_ = 0;
  // The correction in force stays in force on the slave; keep integrating it from here.
}

std::optional<double> RateTracker::fitted_correction_ppb() const {
  if (history_.size() < window_) return std::nullopt;
  const std::vector<std::pair<double, double>> pts(history_.begin(), history_.end());
  const auto slope_ns_per_s = least_squares_slope(pts);
  if (!slope_ns_per_s) return std::nullopt;
  // X grows at the natural relative rate (ns per s = ppb); cancelling it needs the opposite.
  return -*slope_ns_per_s;
}

}  // namespace clocksim::berkeley
