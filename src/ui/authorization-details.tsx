import type { DetailView } from '../oauth/detail-display';

/**
 * The consent page's list of authorization details (RFC 9396): per object its
 * title, the API it is for, its description, and each value on its own line.
 * Every value is text content, escaped by the renderer.
 */
export function AuthorizationDetails(props: { details: DetailView[] }) {
  if (props.details.length === 0) return null;
  return (
    <ul class="scopes details" aria-label="Requested authorizations">
      {props.details.map((d) => (
        <li data-type={d.type}>
          <span class="name">{d.title}</span>
          <span class="detail">For {d.api}{d.description ? `: ${d.description}` : ''}</span>
          <dl>
            {d.lines.map((line) => (
              <>
                <dt>{line.label}</dt>
                <dd>{line.value}</dd>
              </>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}
