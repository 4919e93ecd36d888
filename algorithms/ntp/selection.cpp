#include "algorithms/ntp/selection.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {

std::vector<Candidate> intersect(const std::vector<Candidate>& candidates) {
  struct Edge {
    double value;
    int type;  // -1 lower end, +1 upper end
  };
  const int n = static_cast<int>(candidates.size());
  if (n == 0) return {};
  std::vector<Edge> edges;
  edges.reserve(2 * candidates.size());
  for (const auto& c : candidates) {
    edges.push_back({c.offset_s - c.root_distance_s, -1});
    edges.push_back({c.offset_s + c.root_distance_s, +1});
  }
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    if (a.value != b.value) return a.value < b.value;
    return a.type < b.type;  // at equal values an interval opens before another closes
  });
  // Allow f falsetickers, f = 0, 1, ... while they are a minority: the lowest point that n - f
  // intervals contain and the highest such point bound the intersection.
  double low = 0, high = 0;
  int allow = 0;
  for (; 2 * allow < n; ++allow) {
    int chime = 0;
    for (const auto& e : edges) {
      low = e.value;
      chime -= e.type;
      if (chime >= n - allow) break;
    }
    chime = 0;
    for (auto it = edges.rbegin(); it != edges.rend(); ++it) {
      high = it->value;
      chime += it->type;
      if (chime >= n - allow) break;
    }
    if (high > low) break;
  }
  if (2 * allow >= n) return {};
  // Truechimers: the candidates whose correctness interval meets the intersection.
  std::vector<Candidate> out;
  for (const auto& c : candidates) {
    if (c.offset_s + c.root_distance_s >= low && c.offset_s - c.root_distance_s <= high) out.push_back(c);
  }
  return out;
}

namespace {
double merit(const Candidate& c) { return kMaxDistance * c.stratum + c.root_distance_s; }
}  // namespace

std::vector<Candidate> cluster(std::vector<Candidate> v, double& selection_jitter_s) {
  selection_jitter_s = 0;
  std::stable_sort(v.begin(), v.end(), [](const Candidate& a, const Candidate& b) { return merit(a) < merit(b); });
  auto jitter_of = [&v](std::size_t i) {
    if (v.size() < 2) return 0.0;
    double sum = 0;
    for (const auto& c : v) sum += (c.offset_s - v[i].offset_s) * (c.offset_s - v[i].offset_s);
    return std::sqrt(sum / static_cast<double>(v.size() - 1));
  };
  while (!v.empty()) {
    double max_selection = -1;
    std::size_t worst = 0;
    double min_peer = 1e300;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double js = jitter_of(i);
      if (js > max_selection) {
        max_selection = js;
        worst = i;
      }
      min_peer = std::min(min_peer, v[i].jitter_s);
    }
    if (max_selection <= min_peer || static_cast<int>(v.size()) <= kMinClock) break;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(worst));
  }
  if (!v.empty()) selection_jitter_s = jitter_of(0);
  return v;
}

Combined combine(const std::vector<Candidate>& v) {
  Combined c;
  if (v.empty()) return c;
  double y = 0, z = 0, w = 0;
  for (const auto& s : v) {
    const double x = std::max(s.root_distance_s, kMinDispersion);
    y += 1 / x;
    z += s.offset_s / x;
    w += (s.offset_s - v.front().offset_s) * (s.offset_s - v.front().offset_s) / x;
  }
  c.offset_s = z / y;
  c.jitter_s = std::sqrt(w / y);
  return c;
}

}  // namespace clocksim::ntp
