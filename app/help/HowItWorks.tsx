/** The method in a few lines: the gate, training versus inference, the loss, and the paper. */
export const PAPER_URL = 'https://arxiv.org/abs/2601.13704';

export function HowItWorks() {
  return (
    <details className="how-it-works" data-testid="how-it-works">
      <summary>How it works</summary>
      <div className="how-it-works-body">
        <p>
          Each layer of N units gets a learnable width K (κ = K / N, between κ_min and 1). Unit i is on by
        </p>
        <p className="formula">a_i = clip(K − i, 0, 1)</p>
        <p>
          so units below ⌊K⌋ are fully on, one boundary unit is partly on and the rest are off. While training, the boundary unit’s
          feature ξ is partly replaced by noise ν ~ N(0, 1) at the unit’s own scale σ:
        </p>
        <p className="formula">y_i = √a_i · ξ_i + √(1 − a_i) · σ_i · ν_i &nbsp;(training), &nbsp; y_i = √a_i · ξ_i &nbsp;(inference)</p>
        <p>This makes the loss a smooth function of K, so the widths learn by gradient descent together with the weights, on</p>
        <p className="formula">L = L_task + α · C(K) / C(K_max)</p>
        <p>
          where C(K) is the model’s FLOP/s at widths K. After training the off units are cut out: a physically smaller model with the
          same outputs, whose FLOP/s are counted again from its real shapes.
        </p>
        <p>
          Method: Gómez &amp; Bäckström,{' '}
          <a href={PAPER_URL} target="_blank" rel="noreferrer" data-testid="paper-link">
            Performance and Complexity Trade-off Optimization of Speech Models During Training (arXiv 2601.13704)
          </a>
          .
        </p>
      </div>
    </details>
  );
}
