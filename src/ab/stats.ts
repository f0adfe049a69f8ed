// The two-proportion z-test: whether two conversion rates differ more than chance would make them.

/** Two-sided p-value of H0 "same rate" for x1 of n1 against x2 of n2; null when it cannot be computed. */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null
  const pooled = (x1 + x2) / (n1 + n2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  if (se === 0) return 1
  const z = Math.abs(x1 / n1 - x2 / n2) / se
  return Math.min(1, 2 * (1 - normalCdf(z)))
}

/** Φ(z) by the Abramowitz-Stegun 7.1.26 approximation of erf (error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}
