// Moved to http/form.ts; re-exported only until routes/authorize.ts and routes/interaction.ts (lane A) import it from there.
export { readForm, readQuery } from '../http/form';
