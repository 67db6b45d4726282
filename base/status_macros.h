// File: base/status_macros.h
//
// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which Abseil 20220623 lacks.
//
//   RETURN_IF_ERROR(Validate(x));
//   ASSIGN_OR_RETURN(auto lexicon, Lexicon::Load(path));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define QM_CONCAT_INNER_(a, b) a##b
#define QM_CONCAT_(a, b) QM_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status qm_status_ = (expr);        \
    if (!qm_status_.ok()) return qm_status_;   \
  } while (0)

#define QM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)

#define ASSIGN_OR_RETURN(lhs, expr) \
  QM_ASSIGN_OR_RETURN_IMPL_(QM_CONCAT_(qm_statusor_, __LINE__), lhs, expr)
