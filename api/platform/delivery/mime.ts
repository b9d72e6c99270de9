/**
 * A mail as the bytes that go over SMTP: headers, then a text and (optionally) an HTML part,
 * each quoted-printable, and any attachments (a maintenance window's .ics) in base64. Built in one synchronous pass with nodemailer's own encoders
 * (quoted-printable, RFC 2047 words, header folding): nodemailer's streaming composer costs
 * about a millisecond of CPU a message, which is a whole core at 1,000 messages a second, and a
 * fan-out to 100,000 subscribers sends this one simple shape over and over.
 */
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { encodeWords, foldLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { MailMessage } from './mailer.ts';

/** Who sends: the envelope's address and the From header, parsed once from MAIL_FROM. */
export type Sender = { address: string; header: string };

/** The SMTP envelope and the message's bytes. */
export type Mime = { envelope: { from: string; to: string[] }; raw: Buffer; messageId: string };

/** A header value on one line: a CR or LF in a value would start a header of its own. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/** An address with its domain in ASCII (IDNA), as SMTP and the headers carry it. */
function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  return /^[\x20-\x7e]*$/.test(domain) ? address : `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

/** A header's words: RFC 2047-encoded when they are not plain ASCII. */
const words = (value: string) => (isPlainText(value) ? value : encodeWords(value, 'Q', 52));

/**
 * Parses a From value — `"Name" <address>`, `Name <address>` or a bare address — into the
 * envelope address and a From header with the name quoted or encoded.
 * @example parseSender('"Example Status" <status@example.com>') // { address: 'status@example.com', header: '"Example Status" <status@example.com>' }
 */
export function parseSender(from: string): Sender {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(from);
  const address = asciiAddress(oneLine(match?.[2] ?? from));
  const name = oneLine((match?.[1] ?? '').replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1'));
  if (!name) return { address, header: address };
  const quoted = isPlainText(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name, 'Q', 52);
  return { address, header: `${quoted} <${address}>` };
}

/** RFC 5322 date, e.g. "Fri, 04 Dec 2026 17:30:00 +0000". */
const mailDate = (date: Date) => date.toUTCString().replace(/GMT$/, '+0000');

/** One body part, quoted-printable, with CRLF line ends. */
function part(type: 'plain' | 'html', body: string): string {
  const encoded = qpWrap(qpEncode(body.replace(/\r?\n/g, '\r\n')), 76);
  return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encoded}`;
}

/** The text of a mail as one MIME entity, its headers first: a text part, or text and HTML as multipart/alternative. */
function textEntity(message: MailMessage): string {
  if (message.html === undefined) return part('plain', message.text);
  const boundary = `--_herald_${randomBytes(8).toString('hex')}`;
  return `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n${part('plain', message.text)}\r\n--${boundary}\r\n${part('html', message.html)}\r\n--${boundary}--`;
}

/**
 * The bytes of `message` from `sender`, dated `date`. The Message-ID is the message's own (the
 * same on every attempt, so a resend is recognisably the same mail) or a fresh one.
 */
export function buildMime(sender: Sender, message: MailMessage, date: Date): Mime {
  const to = asciiAddress(oneLine(message.to));
  const domain = sender.address.slice(sender.address.lastIndexOf('@') + 1) || 'localhost';
  const messageId = oneLine(message.messageId ?? `<${randomBytes(12).toString('hex')}@${domain}>`);
  const headers: [string, string][] = [
    ['From', sender.header],
    ['To', to],
    ['Subject', words(oneLine(message.subject))],
    ['Message-ID', messageId],
    ['Date', mailDate(date)],
    ['MIME-Version', '1.0'],
  ];
  for (const [name, value] of Object.entries(message.headers ?? {})) headers.push([oneLine(name).replace(/[^!-9;-~]/g, ''), words(oneLine(value))]);
  const text = textEntity(message);
  const attachments = message.attachments ?? [];
  let body: string;
  if (attachments.length === 0) body = text;
  else {
    // Text (or text and HTML) first, then each attachment in base64: multipart/mixed.
    const boundary = `--_herald_m_${randomBytes(8).toString('hex')}`;
    body = `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n${text}`;
    for (const file of attachments) {
      const name = oneLine(file.filename).replace(/["\\]/g, '_');
      const encoded = (
        Buffer.from(file.content, 'utf8')
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n');
      body += `\r\n--${boundary}\r\nContent-Type: ${oneLine(file.contentType)}; name="${name}"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\n${encoded}`;
    }
    body += `\r\n--${boundary}--`;
  }
  const head = headers.map(([name, value]) => foldLines(`${name}: ${value}`, 76)).join('\r\n');
  // The body starts with its own Content-Type header, which continues the message's headers.
  const raw = `${head}\r\n${body}\r\n`;
  return { envelope: { from: sender.address, to: [to] }, raw: Buffer.from(raw, 'utf8'), messageId };
}
