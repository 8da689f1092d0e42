import t from 'tap';
import { escapeHtml, html, trusted } from '../src/modules/reports/html.js';
import { layoutNumbers, textColorOn } from '../src/modules/reports/risk-matrix-svg.js';
import { compareGoalCodes } from '../src/modules/reports/report-data.js';

t.test('html`` escapes every interpolation unless it is markup the module wrote', async (t) => {
  const user = `<b onclick="x">Tom & 'Jerry'</b>`;
  t.equal(html`<td>${user}</td>`.value, '<td>&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</td>');
  t.equal(html`<p>${[user, html`<i>${'&'}</i>`, null, undefined, false, 7]}</p>`.value, '<p>&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;<i>&amp;</i>7</p>');
  t.equal(html`${trusted('<br>')}`.value, '<br>');
  t.equal(escapeHtml('a\u0000b\u0007c\td\ne'), 'abc\td\ne', 'characters XML forbids are dropped, tab and newline kept');
});

t.test('numbers wrap into the cell, with the largest font that fits', async (t) => {
  const few = layoutNumbers([27, 41]);
  t.equal(few.lines.length, 1);
  t.equal(few.hidden, 0);
  const many = Array.from({ length: 44 }, (_, i) => i + 1);
  const l44 = layoutNumbers(many);
  t.same(l44.lines.flat(), many, 'all 44, in order');
  t.ok(l44.lines.length > 1);
  t.ok(l44.fontSize < few.fontSize && l44.fontSize >= 9, `44 numbers still at a readable ${l44.fontSize}px`);
  const lots = Array.from({ length: 400 }, (_, i) => i + 100);
  const l400 = layoutNumbers(lots);
  t.ok(l400.hidden > 0, 'what cannot fit is counted');
  t.equal(l400.lines.flat().length + l400.hidden, 400);
  t.same(l400.lines.flat(), lots.slice(0, l400.lines.flat().length), 'the first ones are shown');
});

t.test('text on a band is black or white, whichever contrasts more', async (t) => {
  t.equal(textColorOn('#C00000'), '#ffffff', 'Kritisk');
  t.equal(textColorOn('#FFC000'), '#000000', 'Medium');
  t.equal(textColorOn('#70AD47'), '#000000', 'Låg');
  t.equal(textColorOn('#000080'), '#ffffff');
});

t.test('goal codes sort as numbers', async (t) => {
  t.same(['3.10', '1.2', '3.2', '10.1', '3.1'].sort(compareGoalCodes), ['1.2', '3.1', '3.2', '3.10', '10.1']);
});
