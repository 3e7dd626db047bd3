/** Renders a presentational component with real translations (component tests only). */
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from './i18n.ts';
import type { Language } from './i18n.ts';

export interface Rendered {
  readonly container: HTMLElement;
  /** Renders new props into the same tree, inside the same translations. */
  readonly rerender: (ui: ReactNode) => void;
}

export async function renderWithI18n(ui: ReactNode, lng: Language = 'en'): Promise<Rendered> {
  const i18n = await createI18n({ lng });
  const wrap = (inner: ReactNode): ReactNode => <I18nextProvider i18n={i18n}>{inner}</I18nextProvider>;
  const result = render(wrap(ui));
  return { container: result.container, rerender: (next) => result.rerender(wrap(next)) };
}
