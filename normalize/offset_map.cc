#include "normalize/offset_map.h"

#include <algorithm>

namespace quotematch {

OffsetMap OffsetMapBuilder::Finish(uint32_t input_size) {
  OffsetMap m;
  m.segments_ = std::move(segments_);
  m.input_size_ = input_size;
  m.output_size_ = out_;
  segments_.clear();
  out_ = 0;
  return m;
}

void OffsetMapBuilder::FinishInto(uint32_t input_size, OffsetMap* out) {
  out->segments_.assign(segments_.begin(), segments_.end());
  out->input_size_ = input_size;
  out->output_size_ = out_;
  segments_.clear();
  out_ = 0;
}

OffsetMap OffsetMap::Identity(uint32_t size) {
  OffsetMapBuilder b;
  b.Copy(0, size);
  return b.Finish(size);
}

size_t OffsetMap::FindOut(uint32_t pos) const {
  // First segment whose out_end > pos and that is non-empty.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), pos,
                             [](uint32_t p, const Segment& s) { return p < s.out_end; });
  while (it != segments_.end() && it->out_begin == it->out_end) ++it;
  return static_cast<size_t>(it - segments_.begin());
}

Span OffsetMap::ToInput(Span out) const {
  if (segments_.empty()) return Span{0, 0};
  if (out.begin >= output_size_) return Span{input_size_, input_size_};
  size_t i = FindOut(out.begin);
  if (i >= segments_.size()) return Span{input_size_, input_size_};
  const Segment& first = segments_[i];
  uint32_t begin = first.copy ? first.in_begin + (out.begin - first.out_begin) : first.in_begin;
  if (out.end <= out.begin) return Span{begin, begin};
  uint32_t last_pos = std::min(out.end, output_size_) - 1;
  size_t j = FindOut(last_pos);
  if (j >= segments_.size()) j = segments_.size() - 1;
  const Segment& last = segments_[j];
  uint32_t end = last.copy ? last.in_begin + (last_pos - last.out_begin) + 1 : last.in_end;
  return Span{begin, std::max(begin, end)};
}

Span OffsetMap::ToOutput(Span in) const {
  if (segments_.empty()) return Span{0, 0};
  // First segment whose input range ends after in.begin (or contains it).
  auto lo = std::lower_bound(segments_.begin(), segments_.end(), in.begin,
                             [](const Segment& s, uint32_t p) { return s.in_end <= p; });
  if (lo == segments_.end()) return Span{output_size_, output_size_};
  uint32_t begin = lo->copy && in.begin >= lo->in_begin ? lo->out_begin + (in.begin - lo->in_begin)
                                                        : lo->out_begin;
  if (in.end <= in.begin) return Span{begin, begin};
  // The last segment that starts before in.end. Input ranges may overlap
  // when a later pass splits one that an earlier pass replaced as a whole;
  // every piece then reaches to the whole range's end, and the span must
  // reach to the last piece's output.
  auto hi = std::upper_bound(segments_.begin(), segments_.end(), in.end - 1,
                             [](uint32_t p, const Segment& s) { return p < s.in_begin; });
  if (hi == segments_.begin()) return Span{begin, begin};
  --hi;
  const uint32_t end = hi->copy ? hi->out_begin + (std::min(in.end, hi->in_end) - hi->in_begin) : hi->out_end;
  return Span{begin, std::max(begin, end)};
}

OffsetMap OffsetMap::Compose(const OffsetMap& first, const OffsetMap& second) {
  OffsetMap result;
  ComposeInto(first, second, &result);
  return result;
}

void OffsetMap::ComposeInto(const OffsetMap& first, const OffsetMap& second, OffsetMap* result) {
  // second: out → mid; first: mid → original.
  result->input_size_ = first.input_size_;
  result->output_size_ = second.output_size_;
  auto& out = result->segments_;
  out.clear();
  // Each piece is a segment of `second`, or a split of one at a boundary of
  // `first`: the bound holds, and the loop below writes without a check.
  out.reserve(first.segments_.size() + second.segments_.size());
  Segment* last = nullptr;
  auto push = [&out, &last](const Segment& s) {
    if (last != nullptr) {
      if (s.copy && last->copy && last->out_end == s.out_begin && last->in_end == s.in_begin) {
        last->out_end = s.out_end;
        last->in_end = s.in_end;
        return;
      }
      // Pieces of one replaced input range stay one segment.
      if (!s.copy && !last->copy && last->in_begin == s.in_begin && last->in_end == s.in_end &&
          last->out_end == s.out_begin) {
        last->out_end = s.out_end;
        return;
      }
    }
    out.push_back(s);
    last = &out.back();
  };
  const Segment* const g_begin = first.segments_.data();
  const Segment* const g_end = g_begin + first.segments_.size();
  const Segment* g = g_begin;  // cursor into first, advanced monotonically
  for (const Segment& s : second.segments_) {
    if (s.copy) {
      // A copied middle range: split it along the segments of `first`.
      uint32_t mid = s.in_begin, outp = s.out_begin;
      while (mid < s.in_end) {
        while (g != g_end && (g->out_end <= mid || g->out_begin == g->out_end)) ++g;  // past it, or a deletion
        if (g == g_end) break;
        const uint32_t piece_end = std::min(s.in_end, g->out_end);
        const uint32_t len = piece_end - mid;
        if (g->copy) {
          const uint32_t in = g->in_begin + (mid - g->out_begin);
          push({outp, outp + len, in, in + len, true});
        } else {
          push({outp, outp + len, g->in_begin, g->in_end, false});
        }
        mid = piece_end;
        outp += len;
      }
      continue;
    }
    // The middle range [in_begin, in_end) through `first`, walking forward
    // from the cursor (both maps are monotone); a deletion at the range's
    // start stops the walk, so that an empty range maps before it.
    while (g != g_end && (g->out_end <= s.in_begin || g->out_begin == g->out_end) &&
           !(g->out_begin == g->out_end && g->out_begin > s.in_begin)) {
      ++g;
    }
    Span orig;
    if (g == g_end) {
      orig = {first.input_size_, first.input_size_};
    } else {
      const uint32_t begin = g->copy && s.in_begin >= g->out_begin ? g->in_begin + (s.in_begin - g->out_begin) : g->in_begin;
      if (s.in_end <= s.in_begin && !g->copy && g->out_begin < s.in_begin && s.in_begin < g->out_end) {
        // Text inserted inside what the first pass replaced as a whole
        // (a ZWNJ inside the letters of ﷲ): it comes from that whole
        // range, as do the pieces on either side of it, which keeps the
        // map monotone.
        orig = {g->in_begin, g->in_end};
      } else if (s.in_end <= s.in_begin) {
        orig = {begin, begin};
      } else {
        const Segment* h = g;
        while (h + 1 != g_end && h->out_end < s.in_end) ++h;
        const uint32_t end = h->copy ? h->in_begin + (s.in_end - 1 - h->out_begin) + 1 : h->in_end;
        orig = {begin, std::max(begin, end)};
      }
    }
    push({s.out_begin, s.out_end, orig.begin, orig.end, false});
  }
}

}  // namespace quotematch
