#!/usr/bin/env Rscript
# Independent cross-check for generate.py using R base only (the CRAN package `trend` is not packaged in
# Debian 12, so trend::mk.test / trend::sens.slope could not be used). Called by generate.py as
#   Rscript generate.R cases.json   ->  JSON on stdout
# - Mann-Kendall: cor.test(1:n, v, method = "kendall", exact = FALSE, continuity = TRUE). With x = 1..n
#   there are no ties in x, so R's tie-corrected variance reduces exactly to the Mann-Kendall variance
#   [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18 and its z is sign(S)(|S|-1)/sqrt(var): the same test, also
#   with ties in the values.
# - Theil-Sen: there is no Theil-Sen in R base; the median of pairwise slopes is written out here
#   (outer()), which checks the same-day-pair rule and the even-count median, not a library.
# - pnorm, sd, quantile(type = 7) for the normal-tail and band references.
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
input <- fromJSON(args[1], simplifyVector = FALSE)

num <- function(x) if (is.null(x)) NA_real_ else as.numeric(x)

theil_sen <- function(x, y) {
  dx <- outer(x, x, "-")
  dy <- outer(y, y, "-")
  keep <- dx > 0  # each unordered pair once; same-x pairs dropped
  if (!any(keep)) return(NA_real_)
  median(dy[keep] / dx[keep])
}

series <- lapply(input$series, function(case) {
  day <- vapply(case$points, function(p) num(p$day), 0)
  value <- vapply(case$points, function(p) num(p$value), 0)
  ok <- !is.na(value)
  day <- day[ok]; value <- value[ok]
  o <- order(day)  # order() keeps ties in their original order
  day <- day[o]; value <- value[o]
  n <- length(value)
  res <- list(slopePerMeasurement = NA_real_, slopePerDay = NA_real_, z = NA_real_, p = NA_real_)
  if (n >= 2) {
    res$slopePerMeasurement <- theil_sen(seq_len(n), value)
    res$slopePerDay <- theil_sen(day, value)
  }
  # cor.test's variance has a term divided by n - 2, which is 0/0 (NaN) for n = 2 even without ties.
  if (n >= 3 && length(unique(value)) > 1) {
    ct <- suppressWarnings(cor.test(seq_len(n), value, method = "kendall", exact = FALSE, continuity = TRUE))
    res$z <- unname(ct$statistic)
    res$p <- ct$p.value
  }
  res
})

normal <- lapply(input$normal, function(row) list(cdf = pnorm(row$x), sf = pnorm(row$x, lower.tail = FALSE)))

groups <- lapply(input$groups, function(g) {
  s <- as.numeric(unlist(g$scores))
  q <- unname(quantile(s, c(0.25, 0.75), type = 7))
  list(mean = mean(s), sd = sd(s), p25 = q[1], p75 = q[2])
})

# jsonlite caps numbers at 15 significant digits, so every number travels as a "%.17g" string.
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  if (is.numeric(x)) return(ifelse(is.na(x), NA_character_, sprintf("%.17g", x)))
  x
}
out <- list(version = R.version.string, series = exact(series), normal = exact(normal), groups = exact(groups))
cat(toJSON(out, auto_unbox = TRUE, na = "null"))
