package io.jstm.examples;

import io.jstm.examples.bank.BankDemo;
import io.jstm.examples.hotspot.HotSpotDemo;
import io.jstm.examples.http.HttpDemo;
import io.jstm.examples.image.ImageDemo;
import io.jstm.examples.lee.LeeDemo;
import io.jstm.examples.logs.LogsDemo;
import io.jstm.examples.monitor.MonitorDemo;
import io.jstm.examples.titles.TitlesDemo;

import java.util.Arrays;

/**
 * Entry point of {@code stm-examples.jar}: {@code java -jar stm-examples/target/stm-examples.jar <example> [args]}.
 */
public final class Examples {
    private Examples() {}

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "bank" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (which) {
            case "bank" -> BankDemo.main(rest);
            case "hotspot" -> HotSpotDemo.main(rest);
            case "lee" -> LeeDemo.main(rest);
            case "http" -> HttpDemo.main(rest);
            case "logs" -> LogsDemo.main(rest);
            case "titles" -> TitlesDemo.main(rest);
            case "image" -> ImageDemo.main(rest);
            case "monitor" -> MonitorDemo.main(rest);
            default -> {
                System.err.println("unknown example '" + which + "'; available: bank, hotspot, lee, http, logs, titles, image, monitor");
                System.exit(2);
            }
        }
    }
}
