package dev.pier.console.audit;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.shared.Registration;
import dev.pier.audit.AuditQuery;
import dev.pier.console.ui.ErrorText;
import dev.pier.controlplane.audit.AuditService;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Export of the filtered records in the background: format, Export, then a progress bar with
 * records written of the total and Cancel, then a link that downloads the file once. The view polls
 * while the export runs (the console has no server push); the export outlives the page, so coming
 * back shows it again.
 */
class ExportPanel extends HorizontalLayout {
  static final int POLL_MILLIS = 500;

  private final ExportJobs jobs;
  private final AuditService audit;
  private final String owner;
  private final Supplier<AuditQuery> query;
  private final Select<AuditService.Format> format = new Select<>();
  private final Button start = new Button("Export", VaadinIcon.DOWNLOAD.create());
  private final ProgressBar bar = new ProgressBar();
  private final Span status = new Span();
  private final Button cancel = new Button("Cancel");
  private final HorizontalLayout result = new HorizontalLayout();
  private final ErrorText error;
  private Registration polling;
  private ExportJob shown;

  ExportPanel(
      ExportJobs jobs,
      AuditService audit,
      String owner,
      Supplier<AuditQuery> query,
      ErrorText error) {
    this.jobs = jobs;
    this.audit = audit;
    this.owner = owner;
    this.query = query;
    this.error = error;
    format.setItems(AuditService.Format.values());
    format.setValue(AuditService.Format.CSV);
    format.setItemLabelGenerator(value -> value == AuditService.Format.CSV ? "CSV" : "JSON Lines");
    format.setAriaLabel("Export format");
    format.setId("audit-export-format");
    start.setId("audit-export-start");
    start.setTooltipText("Exports every record of the last search, oldest first");
    start.addClickListener(click -> start());
    bar.setId("audit-export-progress");
    bar.setWidth("12em");
    status.setId("audit-export-status");
    status.getStyle().set("white-space", "nowrap");
    cancel.setId("audit-export-cancel");
    cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
    cancel.addClickListener(click -> jobs.cancel(owner));
    setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    add(format, start, bar, status, cancel, result);
    show(null);
  }

  @Override
  protected void onAttach(AttachEvent event) {
    show(jobs.current(owner).orElse(null));
  }

  @Override
  protected void onDetach(DetachEvent event) {
    stopPolling(event.getUI());
  }

  private void start() {
    error.clear();
    AuditQuery whole = query.get().withOrder(AuditQuery.Order.OLDEST_FIRST).withPageSize(1000);
    AuditService.Format chosen = format.getValue();
    try {
      show(
          jobs.start(owner, chosen, (out, progress) -> audit.export(whole, chosen, out, progress)));
    } catch (IllegalStateException e) {
      error.show(e.getMessage());
    }
  }

  /** Shows the export as it stands now and polls while it runs. */
  private void show(ExportJob job) {
    shown = job;
    boolean running = job != null && job.state() == ExportJob.State.RUNNING;
    start.setEnabled(!running);
    bar.setVisible(running);
    cancel.setVisible(running);
    status.setVisible(job != null);
    result.removeAll();
    getUI()
        .ifPresent(
            ui -> {
              if (running) {
                startPolling(ui);
              } else {
                stopPolling(ui);
              }
            });
    if (job == null) {
      return;
    }
    switch (job.state()) {
      case RUNNING -> {
        OptionalLong total = job.total();
        bar.setIndeterminate(total.isEmpty());
        if (total.isPresent()) {
          long expected = Math.max(1, total.getAsLong());
          bar.setValue(Math.min(1, job.written() / (double) expected));
        }
        status.setText(
            count(job.written())
                + (total.isPresent() ? " of " + count(total.getAsLong()) : "")
                + " records written");
      }
      case DONE -> {
        status.setText(
            "Done: " + count(job.written()) + (job.written() == 1 ? " record." : " records."));
        result.add(downloadLink(job));
      }
      case CANCELLED -> {
        status.setText("Export cancelled.");
        jobs.dismiss(job);
      }
      case FAILED -> {
        status.setText("Export failed.");
        error.show(job.failure());
        jobs.dismiss(job);
      }
    }
  }

  private Anchor downloadLink(ExportJob job) {
    DownloadHandler handler =
        event -> {
          event.setFileName(job.fileName());
          event.setContentType(
              job.format() == AuditService.Format.CSV
                  ? "text/csv; charset=UTF-8"
                  : "application/jsonl");
          if (!jobs.download(job, event::setContentLength, event.getOutputStream())) {
            // Downloaded already, or expired: the export is gone, and says so.
            event.getResponse().setStatus(410);
          }
          // Once downloaded the file is gone: the link goes with it.
          event.getUI().access(() -> show(null));
        };
    Anchor anchor = new Anchor(handler, "Download " + job.fileName());
    anchor.setId("audit-export-download");
    return anchor;
  }

  private void startPolling(UI ui) {
    if (polling == null) {
      ui.setPollInterval(POLL_MILLIS);
      polling = ui.addPollListener(poll -> show(shown));
    }
  }

  private void stopPolling(UI ui) {
    if (polling != null) {
      polling.remove();
      polling = null;
      ui.setPollInterval(-1);
    }
  }

  private static String count(long records) {
    return String.format(Locale.ROOT, "%,d", records);
  }
}
