import { AppLink } from '../components/AppLink.tsx';
import { routes } from '../routes.ts';

export function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Back to the <AppLink to={routes.overview()}>overview</AppLink>.
      </p>
    </div>
  );
}
