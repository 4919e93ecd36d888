// The system process (RFC 5905 §11.2): which servers are truechimers, which of those to keep, and
// the one offset they give together.
#pragma once

#include <cstddef>
#include <vector>

namespace clocksim::ntp {

// What selection needs of one fit server (A.5.5.1).
struct Candidate {
  std::size_t index = 0;     // the caller's association index
  double offset_s = 0;
  double root_distance_s = 0;  // lambda: half the correctness interval's width
  double jitter_s = 0;         // peer jitter
  int stratum = 0;
};

// §11.2.1: the intersection of the correctness intervals [offset - lambda, offset + lambda] of
// the largest majority; the candidates whose interval meets it are the truechimers. This is the
// endpoint form ntpd 4.2.8 uses: RFC 5905's A.5.5.1 also demands that a truechimer's midpoint lie
// in the intersection, which rejects two honest servers whose intervals overlap only at their
// edges. Empty when no majority agrees.
std::vector<Candidate> intersect(const std::vector<Candidate>& candidates);

// §11.2.2: repeatedly drops the survivor with the largest selection jitter while that exceeds the
// smallest peer jitter and more than kMinClock remain. Survivors come back ordered by merit
// (stratum, then root distance): front() is the system peer. `selection_jitter_s` receives the
// system peer's selection jitter.
std::vector<Candidate> cluster(std::vector<Candidate> survivors, double& selection_jitter_s);

// §11.2.3: the survivors' offsets weighted by 1/root distance, and the weighted RMS of their
// differences from the system peer's offset.
struct Combined {
  double offset_s = 0;
  double jitter_s = 0;
};
Combined combine(const std::vector<Candidate>& survivors);

}  // namespace clocksim::ntp
