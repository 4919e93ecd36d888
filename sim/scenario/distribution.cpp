#include <cmath>
#include <limits>

#include "sim/scenario/spec.hpp"

namespace clocksim::scenario {

double Distribution::lower_bound() const {
  switch (kind) {
    case Kind::kConstant: return a + shift;
    case Kind::kUniform:
    case Kind::kAdversarial: return a + shift;
    case Kind::kNormal: return -std::numeric_limits<double>::infinity();
    case Kind::kLognormal:
    case Kind::kExponential: return shift;
    case Kind::kPareto: return a + shift;
  }
  return 0;
}

double Distribution::upper_bound() const {
  switch (kind) {
    case Kind::kConstant: return a + shift;
    case Kind::kUniform:
    case Kind::kAdversarial: return b + shift;
    case Kind::kNormal:
    case Kind::kLognormal:
    case Kind::kExponential:
    case Kind::kPareto: return std::numeric_limits<double>::infinity();
  }
  return 0;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::kConstant: return a + shift;
    case Kind::kUniform:
    case Kind::kAdversarial: return (a + b) / 2 + shift;
    case Kind::kNormal: return a + shift;
    case Kind::kLognormal: return a * std::exp(b * b / 2) + shift;
    case Kind::kExponential: return a + shift;
    case Kind::kPareto:
      return b > 1 ? b * a / (b - 1) + shift : std::numeric_limits<double>::infinity();
  }
  return 0;
}

}  // namespace clocksim::scenario
