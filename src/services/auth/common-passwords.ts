/**
 * Passwords that are at least 10 characters long yet appear near the top of every published
 * breach list (RockYou, the NCSC's 100 000 most common, SecLists' 10k most common), so an
 * attacker tries them first. Shorter favourites ("123456", "password") are already refused by the
 * length rule. Compared after trimming and lower-casing. Kept small on purpose: it stops the
 * obvious, it is not a breach database.
 */
const list = [
  '1234567890', '0123456789', '0987654321', '9876543210', '12345678910', '123456789a', 'a123456789', '1234567890a',
  '1234567891', '1234567899', '1111111111', '0000000000', '2222222222', '5555555555', '7777777777', '9999999999',
  '1212121212', '1122334455', '1234512345', '1234554321', '1qaz2wsx3edc', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5',
  'qwertyuiop', 'qwertyuiop123', 'qwerty123456', 'qwerty12345', 'qwertyqwerty', 'asdfghjkl1', 'asdfghjkl;', 'zxcvbnm123',
  'zaq12wsxcde3', 'zaq1zaq1zaq1', 'qazwsxedc123', 'qazwsxedcrfv', '!qaz2wsx#edc', 'password12', 'password123', 'password1234',
  'password12345', 'password!!', 'password01', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'passwordpassword', 'mypassword',
  'mypassword1', 'newpassword', 'changeme123', 'letmein123', 'welcome123', 'welcome1234', 'iloveyou12', 'iloveyou123',
  'iloveyou1234', 'iloveyou!!', 'football123', 'baseball123', 'basketball', 'basketball1', 'superman123', 'batman12345',
  'starwars123', 'pokemon1234', 'princess12', 'princess123', 'sunshine123', 'monkey12345', 'dragon12345', 'master12345',
  'shadow12345', 'michael123', 'jennifer12', 'charlie123', 'jordan2323', 'liverpool1', 'liverpool123', 'chelsea123',
  'arsenal123', 'manchester', 'manchester1', 'metallica1', 'blink182blink', 'computer12', 'computer123', 'internet12',
  'administrator', 'admin12345', 'admin123456', 'adminadmin', 'administrator1', 'rootroot12', 'trustno1trustno1', 'abcdefghij',
  'abcd123456', 'abc1234567', 'abcdef123456', 'a1b2c3d4e5', 'aa12345678', 'qwe1234567', 'asd1234567', 'zxc1234567',
  'passpasspass', 'secret1234', 'default123', 'azertyuiop', 'azerty123456', 'motdepasse', 'motdepasse1', 'soleil1234',
  'switchboard', 'switchboard1', 'switchboard123',
];

export const commonPasswords: ReadonlySet<string> = new Set(list);
