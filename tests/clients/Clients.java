// Java's InetAddress and HttpURLConnection, as a program would use them, for
// tests/clients.sh (run as `java Clients.java MODE ...`, the single-file launch):
//
//   lookup NAME...  InetAddress.getAllByName: "NAME ADDR,ADDR" or "NAME !error"
//   fetch URL...    HttpURLConnection GET: "URL BODY" or "URL !error"
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public class Clients {
    // getHostAddress writes every IPv6 group (fd00:10:244:0:0:0:0:5); the
    // test compares the short form, so the longest run of zero groups becomes "::".
    static String text(InetAddress a) {
        String s = a.getHostAddress();
        if (!(a instanceof Inet6Address))
            return s;
        String[] g = s.split(":");
        int best = -1, bestLen = 1;
        for (int i = 0; i < g.length; i++) {
            int j = i;
            while (j < g.length && g[j].equals("0"))
                j++;
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
        }
        if (best < 0)
            return s;
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, best));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, best + bestLen, g.length));
        return head + "::" + tail;
    }

    static String lookup(String name) {
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(name))
                out.add(text(a));
            return String.join(",", out);
        } catch (Exception e) {
            return "!" + e;
        }
    }

    static String fetch(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (Exception e) {
            return "!" + e;
        }
    }

    public static void main(String[] args) {
        for (int i = 1; i < args.length; i++)
            System.out.println(args[i] + " " + (args[0].equals("fetch") ? fetch(args[i]) : lookup(args[i])));
    }
}
