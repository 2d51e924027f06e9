// Expected values are fastai's own doc tests (nbs/30_text.core.ipynb).
import { describe, expect, it } from 'vitest';
import {
  fixHtml,
  htmlUnescape,
  lowercase,
  replaceAllCaps,
  replaceMaj,
  replaceRep,
  replaceSpace,
  replaceWrep,
  rmUselessSpaces,
  specAddSpaces,
} from './rules.js';

describe('fastai text rules', () => {
  it('spec_add_spaces and rm_useless_spaces', () => {
    expect(specAddSpaces('#fastai')).toBe(' # fastai');
    expect(specAddSpaces('/fastai')).toBe(' / fastai');
    expect(specAddSpaces('\\fastai')).toBe(' \\ fastai');
    expect(rmUselessSpaces('a  b   c')).toBe('a b c');
  });

  it('replace_rep', () => {
    expect(replaceRep('aa')).toBe('aa');
    expect(replaceRep('aaaa')).toBe(' xxrep 4 a ');
    expect(replaceRep('😀😀😀')).toBe(' xxrep 3 😀 ');
  });

  it('replace_wrep', () => {
    expect(replaceWrep('ah ah')).toBe('ah ah');
    expect(replaceWrep('ah ah ah')).toBe(' xxwrep 3 ah ');
    expect(replaceWrep('ah ah   ah  ah')).toBe(' xxwrep 4 ah ');
    expect(replaceWrep('ah ah ah ah ')).toBe(' xxwrep 4 ah  ');
    expect(replaceWrep('ah ah ah ah.')).toBe(' xxwrep 4 ah .');
    expect(replaceWrep('ah ah ahi')).toBe('ah ah ahi');
    expect(replaceWrep('très très très bien')).toBe(' xxwrep 3 très  bien');
  });

  it('fix_html', () => {
    expect(fixHtml('#39;bli#146;')).toBe("'bli'");
    expect(fixHtml('Sarah amp; Duck...')).toBe('Sarah & Duck …');
    expect(fixHtml('a nbsp; #36;')).toBe('a   $');
    expect(fixHtml('\\" <unk>')).toBe('" xxunk');
    expect(fixHtml('quot;  @.@  @-@ ')).toBe("' .-");
    expect(fixHtml('<br />text\\n')).toBe('\ntext\n');
    expect(htmlUnescape('&lt;b&gt; &#233;t&eacute; &#x1F600; &bogus;')).toBe('<b> été 😀 &bogus;');
  });

  it('replace_all_caps and replace_maj', () => {
    expect(replaceAllCaps("I'M SHOUTING")).toBe("xxup i'm xxup shouting");
    expect(replaceAllCaps("I'm speaking normally")).toBe("I'm speaking normally");
    expect(replaceAllCaps('I am speaking normally')).toBe('i am speaking normally');
    expect(replaceMaj('Jeremy Howard')).toBe('xxmaj jeremy xxmaj howard');
    expect(replaceMaj("I don't think there is any maj here")).toBe("i don't think there is any maj here");
  });

  it('lowercase adds xxbos and trims; replace_space', () => {
    expect(lowercase('  Hello  ')).toBe('xxbos hello');
    expect(lowercase('')).toBe('xxbos ');
    expect(replaceSpace('\n ')).toBe('\n▁');
  });
});
