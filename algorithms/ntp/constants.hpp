// RFC 5905 constants (Appendix A.1.1 and §7.2), in seconds unless the name says otherwise.
#pragma once

#include <cmath>
#include <cstdint>

namespace clocksim::ntp {

inline constexpr int kMaxStratum = 16;        // MAXSTRAT: "unsynchronized"
inline constexpr double kMaxDispersion = 16;  // MAXDISP
inline constexpr double kMinDispersion = 0.005;  // MINDISP (ntpd's value; A.1.1 writes .01)
inline constexpr double kMaxDistance = 1;     // MAXDIST: selection threshold
inline constexpr double kPhi = 15e-6;         // PHI: frequency tolerance (15 ppm)
inline constexpr int kStages = 8;             // NSTAGE: clock filter stages
inline constexpr int kMinClock = 3;           // NMIN: minimum survivors of clustering
inline constexpr int kPrecisionLog2 = -20;    // s.precision: ~1 us, a typical system clock read
inline constexpr int kBurstCount = 8;         // BCOUNT: packets in an initial burst (iburst)
inline constexpr double kBurstInterval = 2;   // BTIME
// Clock discipline (A.1.1 / §11.3).
inline constexpr double kPanic = 1000;        // PANICT
inline constexpr double kPll = 65;            // PLL loop gain
inline constexpr int kFll = 18;               // FLL loop gain (MAXPOLL + 1)
inline constexpr double kAvg = 4;             // AVG: averaging constant
inline constexpr double kAllan = 1500;        // ALLAN intercept
inline constexpr int kLimit = 30;             // LIMIT: poll-adjust threshold
inline constexpr double kMaxFrequency = 500e-6;  // MAXFREQ
inline constexpr double kPollGate = 4;        // PGATE

enum class Leap : std::uint8_t { kNone = 0, kInsert = 1, kDelete = 2, kNotSynchronized = 3 };

// 2^e seconds (LOG2D).
inline double log2d(int e) { return std::ldexp(1.0, e); }

}  // namespace clocksim::ntp
