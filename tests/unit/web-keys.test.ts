import { describe, expect, it } from 'vitest';
import { SCRUBBER_ID, stepKeyAction } from '../../src/web/lesson/useStepKeys.ts';

const none = { alt: false, ctrl: false, meta: false };
const body = { tagName: 'BODY' };

describe('web keys: stepping from the keyboard', () => {
  it('maps → Space ← Home End', () => {
    expect(stepKeyAction('ArrowRight', body, none)).toBe('next');
    expect(stepKeyAction(' ', body, none)).toBe('next');
    expect(stepKeyAction('ArrowLeft', body, none)).toBe('prev');
    expect(stepKeyAction('Home', body, none)).toBe('first');
    expect(stepKeyAction('End', body, none)).toBe('last');
    expect(stepKeyAction('a', body, none)).toBeNull();
  });

  it('maps a presentation clicker: PageDown next, PageUp previous, even on a focused button', () => {
    expect(stepKeyAction('PageDown', body, none)).toBe('next');
    expect(stepKeyAction('PageUp', body, none)).toBe('prev');
    expect(stepKeyAction('PageDown', { tagName: 'BUTTON' }, none)).toBe('next');
    expect(stepKeyAction('PageUp', { tagName: 'INPUT', id: 'search' }, none)).toBeNull();
    expect(stepKeyAction('PageDown', body, { alt: false, ctrl: true, meta: false })).toBeNull();
  });

  it('leaves text fields alone, but not the trace scrubber', () => {
    expect(stepKeyAction('ArrowRight', { tagName: 'INPUT', id: 'search' }, none)).toBeNull();
    expect(stepKeyAction('Home', { tagName: 'TEXTAREA' }, none)).toBeNull();
    expect(stepKeyAction('ArrowLeft', { tagName: 'DIV', isContentEditable: true }, none)).toBeNull();
    expect(stepKeyAction('ArrowRight', { tagName: 'INPUT', id: SCRUBBER_ID }, none)).toBe('next');
    expect(stepKeyAction('End', { tagName: 'INPUT', id: SCRUBBER_ID }, none)).toBe('last');
  });

  it('lets Space press a focused button instead of stepping twice', () => {
    expect(stepKeyAction(' ', { tagName: 'BUTTON' }, none)).toBeNull();
    expect(stepKeyAction('ArrowRight', { tagName: 'BUTTON' }, none)).toBe('next');
    expect(stepKeyAction('End', { tagName: 'BUTTON' }, none)).toBe('last');
  });

  it('leaves arrows, Home and End to widgets that move with them (tabs, sliders, listboxes, radios)', () => {
    for (const role of ['tab', 'slider', 'listbox', 'option', 'radio']) {
      for (const key of ['ArrowRight', 'ArrowLeft', 'Home', 'End']) expect(stepKeyAction(key, { tagName: 'DIV', role }, none), `${key} on ${role}`).toBeNull();
    }
    expect(stepKeyAction(' ', { tagName: 'DIV', role: 'option' }, none)).toBeNull();
    expect(stepKeyAction('ArrowRight', { tagName: 'BUTTON', role: 'tab' }, none)).toBeNull();
    // Other roles still step: a region or a plain button is no arrow widget.
    expect(stepKeyAction('ArrowRight', { tagName: 'SECTION', role: 'region' }, none)).toBe('next');
    expect(stepKeyAction('ArrowRight', { tagName: 'DIV', role: null }, none)).toBe('next');
  });

  it('ignores chords', () => {
    expect(stepKeyAction('ArrowLeft', body, { alt: true, ctrl: false, meta: false })).toBeNull();
    expect(stepKeyAction('ArrowRight', body, { alt: false, ctrl: true, meta: false })).toBeNull();
  });
});
