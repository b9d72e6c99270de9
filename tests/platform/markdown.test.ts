import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from '../../api/platform/markdown.ts';

describe('renderMarkdown', () => {
  it('renders the formatting a comms lead uses', () => {
    const html = renderMarkdown('**Actions taken:**\n\n- restarted the queue\n- [details](https://example.com/x)');
    expect(html).toContain('<strong>Actions taken:</strong>');
    expect(html).toContain('<li>restarted the queue</li>');
    expect(html).toContain('<a href="https://example.com/x" rel="nofollow noopener noreferrer">details</a>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an event handler', '<img src=x onerror=alert(1)>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
  ])('shows raw HTML (%s) as text, never as markup', (_name, payload) => {
    const html = renderMarkdown(payload);
    expect(html).not.toMatch(/<(script|img|svg|iframe)/i);
    expect(html).toContain('&lt;');
  });

  it.each([
    ['javascript:', '[click](javascript:alert(1))'],
    ['JavaScript: in mixed case', '[click](JaVaScRiPt:alert(1))'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD4=)'],
    ['vbscript:', '[click](vbscript:msgbox)'],
    ['an encoded scheme that would become a relative link', '[click](java%0ascript:alert(1))'],
    ['a relative path', '[click](/admin)'],
  ])('drops %s link targets', (_name, payload) => {
    const html = renderMarkdown(payload);
    expect(html).not.toMatch(/href=/i);
    expect(html).toContain('click');
  });

  it('does not let markdown images load anything', () => {
    expect(renderMarkdown('![x](https://tracker.example/p.gif)')).not.toContain('<img');
  });

  it('gives plain text for email text parts', () => {
    expect(markdownToText('**Fixed** & <b>done</b>')).toBe('Fixed & <b>done</b>');
  });
});
