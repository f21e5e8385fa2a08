/**
 * The pages' only stylesheet, inlined under a CSP nonce. Colours meet WCAG 2.2
 * AA contrast (4.5:1 for text, 3:1 for focus rings and borders) in light and dark.
 */
export const CSS = `
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#fff;--text:#111827;--muted:#4b5563;--border:#d1d5db;
--accent:#1d4ed8;--accent-hover:#1e40af;--on-accent:#fff;--danger-bg:#fef2f2;--danger:#991b1b;--ring:#2563eb}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--card:#111827;--text:#f9fafb;--muted:#cbd5e1;--border:#475569;
--accent:#3b82f6;--accent-hover:#60a5fa;--on-accent:#0b1120;--danger-bg:#3b0d0d;--danger:#fecaca;--ring:#93c5fd}}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1.5rem 1rem;
background:var(--bg);color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:26rem;background:var(--card);border:1px solid var(--border);border-radius:.75rem;
padding:2rem 1.75rem;box-shadow:0 1px 2px rgb(0 0 0/.05),0 8px 24px rgb(0 0 0/.06)}
.brand{display:flex;align-items:center;gap:.5rem;margin:0 0 1.5rem;font-weight:600;color:var(--muted);font-size:.875rem;letter-spacing:.02em}
.brand svg{width:1.25rem;height:1.25rem;fill:currentColor}
.brand img{max-height:2rem;max-width:10rem;width:auto}
.client{display:flex;align-items:center;gap:.75rem;margin:0 0 .75rem}
.client img{width:3rem;height:3rem;object-fit:contain;border-radius:.5rem;border:1px solid var(--border)}
.links{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:1.5rem 0 0;font-size:.875rem}
.links a,.meta a{color:var(--muted)}
form.aside button{margin-top:.75rem}
button.link{display:inline;width:auto;margin:0;padding:0;border:0;background:none;color:var(--text);font-weight:400;text-decoration:underline}
button.link:hover{background:none}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
h1+.alert{margin-top:1rem}
.lead{margin:0 0 1.5rem;color:var(--muted)}
.lead strong{color:var(--text)}
label{display:block;font-weight:600;margin:0 0 .375rem}
.field{margin:0 0 1.125rem}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.625rem .75rem;border:1px solid var(--border);
border-radius:.5rem;background:var(--card);color:var(--text)}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
button{display:block;width:100%;font:inherit;font-weight:600;padding:.7rem 1rem;border-radius:.5rem;cursor:pointer;
border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);margin-top:.5rem}
button:hover{background:var(--accent-hover);border-color:var(--accent-hover)}
button.secondary{background:transparent;color:var(--text);border-color:var(--border)}
button.secondary:hover{background:var(--bg)}
.alert{border:1px solid var(--danger);background:var(--danger-bg);color:var(--danger);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1.25rem}
ul.scopes{list-style:none;margin:0 0 1.5rem;padding:0;border:1px solid var(--border);border-radius:.5rem}
ul.scopes li{padding:.75rem 1rem;border-top:1px solid var(--border)}
ul.scopes li:first-child{border-top:0}
ul.scopes .name{display:block;font-weight:600}
ul.scopes .detail{display:block;color:var(--muted);font-size:.9375rem}
.meta{margin:1.5rem 0 0;color:var(--muted);font-size:.875rem;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
@media (max-width:30rem){body{align-items:flex-start;padding:0}main{border:0;border-radius:0;box-shadow:none;min-height:100vh;padding:1.5rem 1.25rem}}
`;
