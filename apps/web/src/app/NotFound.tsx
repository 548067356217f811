import { AppLink } from '../components/AppLink.tsx';
import { Page } from '../components/Page.tsx';
import { routes } from '../routes.ts';

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        Nothing lives at this address. Back to the <AppLink to={routes.overview()}>overview</AppLink>.
      </p>
    </Page>
  );
}
