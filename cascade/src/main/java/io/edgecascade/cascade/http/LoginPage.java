package io.edgecascade.cascade.http;

/**
 * The page's login form: one password field for the token, posted back to {@code /login} with the page to return
 * to. Self-contained (no script, no external file), so it works before the browser holds a session.
 */
final class LoginPage {

    private LoginPage() {
    }

    static String html(String next, String message) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>edge-cascade: log in</title>
                  <style>
                    body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
                    form { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 1.5rem 2rem;
                           border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
                    h1 { font-size: 1.2rem; margin-top: 0; }
                    label, input, button { display: block; width: 100%%; box-sizing: border-box; }
                    input { margin: .4rem 0 1rem; padding: .5rem; font-size: 1rem; }
                    button { padding: .5rem; font-size: 1rem; }
                    .message { color: #b00020; min-height: 1.2em; }
                  </style>
                </head>
                <body>
                  <form method="post" action="/login">
                    <h1>edge-cascade</h1>
                    <p class="message">%s</p>
                    <label for="token">Token (<code>ui.token</code>)</label>
                    <input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
                    <input name="next" type="hidden" value="%s">
                    <button type="submit">Log in</button>
                  </form>
                </body>
                </html>
                """.formatted(escape(message), escape(next));
    }

    /** HTML text and attribute escaping. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
